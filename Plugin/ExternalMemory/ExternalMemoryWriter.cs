using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The dedicated thread of an <see cref="ExternalMemoryStreamer"/> that copies submitted images from their staging
/// slots into the shared memory of their texture's ring, then gives the slots back. It keeps that copy (and any wait
/// for a ring slot the renderer still shows) off the render thread, and touches no GL.
/// </summary>
/// <remarks>
/// One thread serves every ring, so each ring has one writer at a time. The queue is a fixed array (each entry holds a
/// staging slot, so it never holds more than the slot count) guarded by a lock held for a few instructions, and a
/// semaphore wakes the thread: handing over an image allocates nothing.
/// </remarks>
internal sealed class ExternalMemoryWriter : IDisposable
{
    private readonly RingWrite[] _queue;
    private readonly Lock _queueGate = new();
    private readonly SemaphoreSlim _queued = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Action<StagingSlot> _releaseSlot;
    private readonly Thread _thread;
    private int _head;
    private int _count;
    private long _published;
    private long _dropped;
    private bool _disposed;

    /// <summary>Starts the thread.</summary>
    /// <param name="capacity">Writes that may wait at once: the streamer's slot count.</param>
    /// <param name="releaseSlot">Gives a slot back to the streamer once its image is copied or dropped.</param>
    public ExternalMemoryWriter(int capacity, Action<StagingSlot> releaseSlot)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentNullException.ThrowIfNull(releaseSlot);
        _queue = new RingWrite[capacity];
        _releaseSlot = releaseSlot;
        _thread = new Thread(Run) { IsBackground = true, Name = "RealtimeGen external-memory writer" };
        _thread.Start();
    }

    /// <summary>Images published into shared memory.</summary>
    public long PublishedCount => Interlocked.Read(ref _published);

    /// <summary>Images dropped: a newer one for the same ring came first, or the ring was retired.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Writes queued and not yet taken by the thread.</summary>
    public int QueuedCount
    {
        get
        {
            lock (_queueGate)
            {
                return _count;
            }
        }
    }

    /// <summary>Queues a write (render thread); never waits.</summary>
    /// <exception cref="InvalidOperationException">More writes than slots: a slot was queued twice.</exception>
    public void Enqueue(in RingWrite write)
    {
        lock (_queueGate)
        {
            if (_count == _queue.Length)
            {
                throw new InvalidOperationException(
                    $"The external-memory writer queue holds {_queue.Length} writes, one per staging slot; a slot was submitted twice.");
            }

            _queue[(_head + _count) % _queue.Length] = write;
            _count++;
        }

        _queued.Release();
    }

    /// <summary>Stops the thread after the write in progress (waits for it; render thread at shutdown only).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
        _queued.Dispose();
    }

    private void Run()
    {
        CancellationToken stop = _stop.Token;
        while (true)
        {
            try
            {
                _queued.Wait(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            RingWrite write;
            lock (_queueGate)
            {
                write = _queue[_head];
                _queue[_head] = default;
                _head = (_head + 1) % _queue.Length;
                _count--;
            }

            Publish(in write, stop);
        }
    }

    private void Publish(in RingWrite write, CancellationToken stop)
    {
        StreamedRing ring = write.Ring;
        bool published = false;
        while (!stop.IsCancellationRequested)
        {
            lock (ring.Gate)
            {
                if (Volatile.Read(ref ring.Retired) || Volatile.Read(ref ring.LatestSequence) != write.Sequence)
                {
                    break;
                }

                // Only this thread publishes into the ring, so the frame number the publication gets is known.
                long[] submissions = ring.SubmissionOfFrame;
                submissions[(ring.WriterFrames + 1) % submissions.Length] = write.Sequence;
                if (ring.Sink.TryPublish(write.Slot.GetSpan(ring.ImageBytes)))
                {
                    ring.WriterFrames++;
                    published = true;
                    break;
                }
            }

            // Every ring slot is shown, retiring or waiting to be latched: the render thread frees one within a
            // frame or two. Waiting here (not on the render thread) is the point of this thread.
            _ = stop.WaitHandle.WaitOne(1);
        }

        if (published)
        {
            Interlocked.Increment(ref _published);
        }
        else
        {
            Interlocked.Increment(ref _dropped);
        }

        _releaseSlot(write.Slot);
    }
}
