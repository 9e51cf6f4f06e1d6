using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.Generation;

/// <summary>
/// Runs generation jobs on worker threads that own the backends (pipelines): a bounded priority queue, one live job
/// per key (a newer submission cancels the queued or running older one), previews per the preview policy, and
/// failures reported as events while the service carries on. With an <see cref="AssetCache"/>, a job whose key
/// (<see cref="IGenerationBackend.CacheKeyOf"/>) is cached is served from disk by its worker without inference, and
/// each generated final image is stored by its worker after it was published.
/// </summary>
/// <remarks>
/// <see cref="Submit"/>, <see cref="Cancel"/>, <see cref="TryRead"/> and <see cref="QueuedCount"/> belong to one
/// main thread, which owns the queue; workers take jobs and post events through lock-free queues, so the main
/// thread never waits on a lock a low-priority worker might hold. Reading events allocates nothing. Dispose cancels
/// everything and joins the workers.
/// </remarks>
public sealed class GenerationService : IDisposable
{
    private readonly ITextureSink _sink;
    private readonly GenerationServiceOptions _options;
    private readonly ILogger _logger;
    private readonly Func<IGenerationBackend> _backendFactory;
    private readonly List<GenerationJob> _queue;
    private readonly Dictionary<long, GenerationJob> _liveByKey = [];
    private readonly ConcurrentQueue<GenerationJob> _handedOut = new();
    private readonly ConcurrentQueue<GenerationEvent> _events = new();
    private readonly Thread[] _workers;
    private readonly AssetCache? _cache;
    private long _nextId;
    private int _running;
    private long _inferences;
    private long _cacheHits;
    private long _cacheStores;
    private long _cacheStoreFailures;
    private int _storeFailureLogged;
    private volatile bool _stopping;

    /// <summary>Starts the workers; each calls <paramref name="backendFactory"/> once on its own thread.</summary>
    /// <param name="sink">Where images go.</param>
    /// <param name="backendFactory">Makes each worker's backend, on that worker.</param>
    /// <param name="options">Workers, queue and previews; defaults when null.</param>
    /// <param name="logger">Log; none when null.</param>
    /// <param name="cache">Asset cache that final images are read from and stored to; null for none. A cache that
    /// cannot be written (see <see cref="AssetCache.WriteProblem"/>) is still read; the problem is logged once.</param>
    public GenerationService(
        ITextureSink sink, Func<IGenerationBackend> backendFactory, GenerationServiceOptions? options = null, ILogger? logger = null, AssetCache? cache = null)
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
        _cache = cache;
        if (cache?.WriteProblem is { } problem)
        {
            ReportStoreFailure(problem);
        }

        _queue = new List<GenerationJob>(_options.QueueCapacity);
        _workers = new Thread[_options.WorkerCount];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"RealtimeGen generation {i}" };
            _workers[i].Start();
        }
    }

    /// <summary>Jobs waiting for a worker (main thread).</summary>
    public int QueuedCount => _queue.Count + _handedOut.Count;

    /// <summary>Jobs a worker is running.</summary>
    public int RunningCount => Volatile.Read(ref _running);

    /// <summary>The asset cache, or null when none is used.</summary>
    public AssetCache? Cache => _cache;

    /// <summary>Jobs whose backend ran to the end (inference done; cache hits are not counted).</summary>
    public long CompletedInferenceCount => Interlocked.Read(ref _inferences);

    /// <summary>Jobs served from the asset cache without inference.</summary>
    public long CacheHitCount => Interlocked.Read(ref _cacheHits);

    /// <summary>Final images stored to the asset cache.</summary>
    public long CacheStoreCount => Interlocked.Read(ref _cacheStores);

    /// <summary>Final images the asset cache could not store (the first failure is logged, later ones only counted).</summary>
    public long CacheStoreFailureCount => Interlocked.Read(ref _cacheStoreFailures);

    /// <summary>
    /// Queues a job for <paramref name="key"/>, cancelling that key's queued or running job. When the queue is full the
    /// lowest-priority queued job is dropped for it (a <see cref="GenerationEventKind.Dropped"/> event), or, if none
    /// is lower, this job is not queued.
    /// </summary>
    /// <param name="key">The owner; its older job is cancelled.</param>
    /// <param name="request">What to generate; batch 1.</param>
    /// <param name="priority">Higher runs first.</param>
    /// <param name="seamless">Whether the texture should tile.</param>
    /// <param name="target">The sink texture the job's images will be submitted to, so that the worker may write them
    /// straight into that texture's memory (see <see cref="ITextureSink.TryAcquireSlot(StreamedTextureHandle, int, int, out StagingSlot?)"/>);
    /// null when unknown.</param>
    /// <returns>The job, or null when the full queue kept its jobs instead.</returns>
    /// <exception cref="RealtimeGenException">The image does not fit a staging slot, or the request is not batch 1.</exception>
    public GenerationJob? Submit(long key, GenerationRequest request, int priority = 0, bool seamless = false, StreamedTextureHandle? target = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_stopping, this);
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

        Cancel(key);
        if (_queue.Count >= _options.QueueCapacity)
        {
            int lowest = Lowest();
            if (_queue[lowest].Priority >= priority)
            {
                return null;
            }

            GenerationJob dropped = _queue[lowest];
            _queue.RemoveAt(lowest);
            _liveByKey.Remove(dropped.Key);
            _events.Enqueue(new GenerationEvent(GenerationEventKind.Dropped, dropped.Id, dropped.Key, 0, dropped.Request.Steps, null, 0, 0, null));
        }

        long id = ++_nextId;
        var job = new GenerationJob(id, key, request, priority, seamless, id, target ?? StreamedTextureHandle.None);
        _queue.Add(job);
        _liveByKey[key] = job;
        HandOut();
        return job;
    }

    /// <summary>Cancels the queued or running job of <paramref name="key"/>; false when it has none.</summary>
    public bool Cancel(long key)
    {
        if (!_liveByKey.Remove(key, out GenerationJob? job))
        {
            return false;
        }

        // Queued here: never reaches a worker. Handed out or running: the worker sees the token and reports it.
        job.Cancel();
        if (_queue.Remove(job))
        {
            _events.Enqueue(new GenerationEvent(GenerationEventKind.Cancelled, job.Id, job.Key, 0, job.Request.Steps, null, 0, 0, null));
        }

        return true;
    }

    /// <summary>Takes the oldest unread event (main thread). Previews and finals carry a slot the caller must submit
    /// or release. Also hands queued jobs to idle workers.</summary>
    public bool TryRead(out GenerationEvent generationEvent)
    {
        HandOut();
        if (!_events.TryDequeue(out generationEvent))
        {
            return false;
        }

        if (generationEvent.Kind is GenerationEventKind.Final or GenerationEventKind.Failed or GenerationEventKind.Cancelled
            && _liveByKey.TryGetValue(generationEvent.Key, out GenerationJob? live) && live.Id == generationEvent.JobId)
        {
            _liveByKey.Remove(generationEvent.Key);
        }

        return true;
    }

    /// <summary>Cancels every job, waits for the workers to finish (a final image already made is still stored to the
    /// asset cache), and releases the slots of unread events.</summary>
    public void Dispose()
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
        foreach (Thread worker in _workers)
        {
            worker.Join();
        }

        while (_events.TryDequeue(out GenerationEvent unread))
        {
            ReleaseImage(_sink, in unread);
        }
    }

    /// <summary>Gives the image of a preview or final event that will not be submitted back to <paramref name="sink"/>:
    /// its slot, or its route write.</summary>
    public static void ReleaseImage(ITextureSink sink, in GenerationEvent generationEvent)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (generationEvent.Slot is { } slot)
        {
            sink.ReleaseSlot(slot);
        }
        else if (generationEvent.Route is { } route)
        {
            ReleaseRoute(sink, route);
        }
    }

    internal static void ReleaseRoute(ITextureSink sink, IGpuOutputRoute route)
    {
        if (sink is IRoutedTextureSink routed)
        {
            routed.ReleaseRoute(route);
        }
        else
        {
            route.Discard();
        }
    }

    internal void Post(in GenerationEvent generationEvent) => _events.Enqueue(generationEvent);

    internal bool WantsPreview(int step, int steps) => step < steps && _options.PreviewMode switch
    {
        PreviewMode.EveryStep => true,
        PreviewMode.EveryKthStep => step % _options.PreviewInterval == 0,
        _ => false,
    };

    internal ITextureSink Sink => _sink;

    // Moves the best queued jobs to the workers, as many as are idle.
    private void HandOut()
    {
        while (_queue.Count > 0 && Volatile.Read(ref _running) + _handedOut.Count < _workers.Length)
        {
            int next = Highest();
            GenerationJob job = _queue[next];
            _queue.RemoveAt(next);
            _handedOut.Enqueue(job);
        }
    }

    private int Lowest()
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

    private int Highest()
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

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A failing backend must not end the worker: its jobs are reported as failed.")]
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
            while (!_stopping)
            {
                if (!_handedOut.TryDequeue(out GenerationJob? job))
                {
                    // Polling keeps the main thread free of any wait handle or lock shared with this thread.
                    Thread.Sleep(1);
                    continue;
                }

                Interlocked.Increment(ref _running);
                try
                {
                    Run(backend, backendFailure, job);
                }
                finally
                {
                    Interlocked.Decrement(ref _running);
                }
            }
        }
        finally
        {
            backend?.Dispose();
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
            AssetKey? key = KeyOf(backend, job.Request);
            if (key is not null && TryServeFromCache(job, key, token))
            {
                Interlocked.Increment(ref _cacheHits);
                return;
            }

            var output = new JobOutput(this, job, keepsFinal: key is not null);
            backend.Generate(job, output, token);
            Interlocked.Increment(ref _inferences);
            // Stored even while the service stops: a texture seen just before the game quits is a hit next time.
            if (key is not null && output.KeptFinal is { } final)
            {
                Store(key, final, job.Request);
            }
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
    }

    // Worker: a key that cannot be made (e.g. an unreadable package to fingerprint) only costs the cache, never the job.
    private AssetKey? KeyOf(IGenerationBackend backend, GenerationRequest request)
    {
        if (_cache is null)
        {
            return null;
        }

        try
        {
            return backend.CacheKeyOf(request);
        }
        catch (Exception e) when (e is RealtimeGenException or IOException or UnauthorizedAccessException)
        {
            PluginLog.CacheKeyFailed(_logger, e.Message);
            return null;
        }
    }

    // Worker: a verified entry's albedo goes into a slot as the job's final image. Any read problem is a miss.
    private bool TryServeFromCache(GenerationJob job, AssetKey key, CancellationToken token)
    {
        Image albedo;
        try
        {
            if (!_cache!.TryGet(key, out AssetEntry? entry))
            {
                return false;
            }

            albedo = ImageFile.Load(entry.AlbedoPath);
        }
        catch (Exception e) when (e is RealtimeGenException or IOException or UnauthorizedAccessException)
        {
            // Evicted or replaced between the check and the read, or unreadable: generate instead.
            PluginLog.CacheReadFailed(_logger, key.Hash, e.Message);
            return false;
        }

        if (albedo.Width != job.Request.Width || albedo.Height != job.Request.Height)
        {
            PluginLog.CacheReadFailed(_logger, key.Hash, $"albedo is {albedo.Width}×{albedo.Height}, expected {job.Request.Width}×{job.Request.Height}");
            return false;
        }

        var output = new JobOutput(this, job, keepsFinal: false);
        StagingSlot slot = output.AcquireFinalSlot(token);
        slot.WriteTightRows(albedo.Pixels, albedo.Width, albedo.Height);
        output.PublishCachedFinal(slot);
        return true;
    }

    // Worker, after the final image was published: a failure to store costs the next hit, never the job.
    private void Store(AssetKey key, byte[] albedo, GenerationRequest request)
    {
        try
        {
            _cache!.Put(key, AssetImages.FromAlbedo(albedo, request.Width, request.Height, request.Seamless));
            Interlocked.Increment(ref _cacheStores);
        }
        catch (Exception e) when (e is RealtimeGenException or IOException or UnauthorizedAccessException)
        {
            Interlocked.Increment(ref _cacheStoreFailures);
            ReportStoreFailure(e.Message);
        }
    }

    private void ReportStoreFailure(string problem)
    {
        if (Interlocked.Exchange(ref _storeFailureLogged, 1) == 0)
        {
            PluginLog.CacheStoreFailed(_logger, problem);
        }
    }
}
