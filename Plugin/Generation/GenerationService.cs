using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.Generation;

/// <summary>
/// Runs generation jobs on worker threads that own the backends (pipelines): a bounded priority queue, one live job
/// per key (a newer submission cancels the queued or running older one), previews per the preview policy, and
/// failures reported as events while the service carries on.
/// </summary>
/// <remarks>
/// <see cref="Submit"/>, <see cref="Cancel"/> and <see cref="TryRead"/> are for the main thread; workers only touch
/// the sink's slots. Reading events allocates nothing. Dispose cancels everything and joins the workers.
/// </remarks>
public sealed class GenerationService : IDisposable
{
    private readonly ITextureSink _sink;
    private readonly GenerationServiceOptions _options;
    private readonly ILogger _logger;
    private readonly Func<IGenerationBackend> _backendFactory;
    private readonly object _gate = new();
    private readonly List<GenerationJob> _queue;
    private readonly Dictionary<long, GenerationJob> _liveByKey = [];
    private readonly Lock _eventGate = new();
    private readonly Queue<GenerationEvent> _events = new(256);
    private readonly Thread[] _workers;
    private long _nextId;
    private int _running;
    private bool _stopping;

    /// <summary>Starts the workers; each calls <paramref name="backendFactory"/> once on its own thread.</summary>
    public GenerationService(ITextureSink sink, Func<IGenerationBackend> backendFactory, GenerationServiceOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(backendFactory);
        _sink = sink;
        _backendFactory = backendFactory;
        _options = options ?? new GenerationServiceOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.WorkerCount, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.QueueCapacity, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.PreviewInterval, nameof(options));
        _logger = logger ?? NullLogger.Instance;
        _queue = new List<GenerationJob>(_options.QueueCapacity);
        _workers = new Thread[_options.WorkerCount];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"RealtimeGen generation {i}" };
            _workers[i].Start();
        }
    }

    /// <summary>Jobs waiting for a worker.</summary>
    public int QueuedCount
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Jobs a worker is running.</summary>
    public int RunningCount
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>
    /// Queues a job for <paramref name="key"/>, cancelling that key's queued or running job. When the queue is full the
    /// lowest-priority queued job is dropped for it (a <see cref="GenerationEventKind.Dropped"/> event), or, if none
    /// is lower, this job is not queued.
    /// </summary>
    /// <returns>The job, or null when the full queue kept its jobs instead.</returns>
    /// <exception cref="RealtimeGenException">The image does not fit a staging slot, or the request is not batch 1.</exception>
    public GenerationJob? Submit(long key, GenerationRequest request, int priority = 0, bool seamless = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        long bytes = (long)request.Width * request.Height * 4;
        if (request.Width < 1 || request.Height < 1 || bytes > _sink.SlotBytes)
        {
            throw new RealtimeGenException(
                $"Expected a texture of at most {_sink.SlotBytes} bytes of RGBA8 (the staging slot size); found " +
                $"{request.Width}×{request.Height} ({bytes} bytes). Raise TextureStreamerOptions.SlotBytes or ask for less.");
        }

        if (request.BatchSize != 1)
        {
            throw new RealtimeGenException($"Expected a batch of 1 for a streamed texture; found {request.BatchSize}.");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            CancelLocked(key);
            if (_queue.Count >= _options.QueueCapacity)
            {
                int lowest = LowestLocked();
                if (_queue[lowest].Priority >= priority)
                {
                    return null;
                }

                GenerationJob dropped = _queue[lowest];
                _queue.RemoveAt(lowest);
                _liveByKey.Remove(dropped.Key);
                Post(new GenerationEvent(GenerationEventKind.Dropped, dropped.Id, dropped.Key, 0, dropped.Request.Steps, null, 0, 0, null));
                dropped.DisposeCancellation();
            }

            long id = ++_nextId;
            var job = new GenerationJob(id, key, request, priority, seamless, id);
            _queue.Add(job);
            _liveByKey[key] = job;
            Monitor.Pulse(_gate);
            return job;
        }
    }

    /// <summary>Cancels the queued or running job of <paramref name="key"/>; false when it has none.</summary>
    public bool Cancel(long key)
    {
        lock (_gate)
        {
            return CancelLocked(key);
        }
    }

    /// <summary>Takes the oldest unread event. Previews and finals carry a slot the caller must submit or release.</summary>
    public bool TryRead(out GenerationEvent generationEvent)
    {
        lock (_eventGate)
        {
            return _events.TryDequeue(out generationEvent);
        }
    }

    /// <summary>Cancels every job, waits for the workers to finish, and releases the slots of unread events.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            foreach (GenerationJob job in _liveByKey.Values)
            {
                job.Cancel();
            }

            _queue.Clear();
            _liveByKey.Clear();
            Monitor.PulseAll(_gate);
        }

        foreach (Thread worker in _workers)
        {
            worker.Join();
        }

        while (TryRead(out GenerationEvent unread))
        {
            if (unread.Slot is { } slot)
            {
                _sink.ReleaseSlot(slot);
            }
        }
    }

    internal void Post(in GenerationEvent generationEvent)
    {
        lock (_eventGate)
        {
            _events.Enqueue(generationEvent);
        }
    }

    internal bool WantsPreview(int step, int steps) => step < steps && _options.PreviewMode switch
    {
        PreviewMode.EveryStep => true,
        PreviewMode.EveryKthStep => step % _options.PreviewInterval == 0,
        _ => false,
    };

    internal ITextureSink Sink => _sink;

    private bool CancelLocked(long key)
    {
        if (!_liveByKey.Remove(key, out GenerationJob? job))
        {
            return false;
        }

        job.Cancel();
        if (!job.IsRunning)
        {
            _queue.Remove(job);
            Post(new GenerationEvent(GenerationEventKind.Cancelled, job.Id, job.Key, 0, job.Request.Steps, null, 0, 0, null));
            job.DisposeCancellation();
        }

        return true;
    }

    private int LowestLocked()
    {
        // Lowest priority; among equals the newest, so older requests keep their place.
        int lowest = 0;
        for (int i = 1; i < _queue.Count; i++)
        {
            GenerationJob job = _queue[i];
            GenerationJob current = _queue[lowest];
            if (job.Priority < current.Priority || (job.Priority == current.Priority && job.Sequence > current.Sequence))
            {
                lowest = i;
            }
        }

        return lowest;
    }

    private int HighestLocked()
    {
        int highest = 0;
        for (int i = 1; i < _queue.Count; i++)
        {
            GenerationJob job = _queue[i];
            GenerationJob current = _queue[highest];
            if (job.Priority > current.Priority || (job.Priority == current.Priority && job.Sequence < current.Sequence))
            {
                highest = i;
            }
        }

        return highest;
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A failing job or backend must not end the worker: it is reported as an event.")]
    private void Work()
    {
        if (!WorkerThreadPriority.TryApply(_options.WorkerPriority))
        {
            PluginLog.WorkerPriorityRefused(_logger, _options.WorkerPriority);
        }

        IGenerationBackend? backend = null;
        string? backendFailure = null;
        try
        {
            backend = _backendFactory();
        }
        catch (Exception e)
        {
            backendFailure = $"The generation backend could not start: {e.Message}";
            PluginLog.BackendFailed(_logger, backendFailure);
        }

        try
        {
            while (TakeJob() is { } job)
            {
                Run(backend, backendFailure, job);
            }
        }
        finally
        {
            backend?.Dispose();
        }
    }

    private GenerationJob? TakeJob()
    {
        lock (_gate)
        {
            while (!_stopping && _queue.Count == 0)
            {
                Monitor.Wait(_gate);
            }

            if (_stopping)
            {
                return null;
            }

            int next = HighestLocked();
            GenerationJob job = _queue[next];
            _queue.RemoveAt(next);
            job.IsRunning = true;
            _running++;
            return job;
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Any failure of a job becomes its Failed event; the worker carries on.")]
    private void Run(IGenerationBackend? backend, string? backendFailure, GenerationJob job)
    {
        CancellationToken token = job.CancellationToken;
        try
        {
            if (backend is null)
            {
                throw new RealtimeGenException(backendFailure!);
            }

            token.ThrowIfCancellationRequested();
            backend.Generate(job, new JobOutput(this, job), token);
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            Post(new GenerationEvent(GenerationEventKind.Cancelled, job.Id, job.Key, 0, job.Request.Steps, null, 0, 0, null));
        }
        catch (Exception e)
        {
            string reason = e.Message;
            PluginLog.JobFailed(_logger, job.Id, reason);
            Post(new GenerationEvent(GenerationEventKind.Failed, job.Id, job.Key, 0, job.Request.Steps, null, 0, 0, reason));
        }
        finally
        {
            lock (_gate)
            {
                _running--;
                job.IsRunning = false;
                if (_liveByKey.TryGetValue(job.Key, out GenerationJob? live) && ReferenceEquals(live, job))
                {
                    _liveByKey.Remove(job.Key);
                }
            }

            job.DisposeCancellation();
        }
    }
}
