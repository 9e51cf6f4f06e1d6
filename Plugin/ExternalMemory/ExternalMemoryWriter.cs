using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The dedicated thread of an <see cref="ExternalMemoryStreamer"/> that publishes submitted images into their
/// texture's ring: an image in a scratch slot is copied into a free ring image (the copy path) and the slot given
/// back; an image a worker wrote straight into a ring image (a <see cref="DirectSlot"/>) is only published. It keeps
/// the copy (and any wait for a ring image the renderer still shows) off the render thread, and touches no GL.
/// </summary>
/// <remarks>
/// One thread publishes into every ring, in submission order, so a ring's frames are numbered in submission order
/// whichever path an image took. The queue is an array guarded by a lock held for a few instructions, and a semaphore
/// wakes the thread: handing over an image allocates nothing once the array is as long as the most images ever in
/// flight (scratch slots plus reserved ring images; it grows on the render thread if that is exceeded).
/// </remarks>
internal sealed class ExternalMemoryWriter : IDisposable
{
    private RingWrite[] _queue;
    private readonly Lock _queueGate = new();
    private readonly SemaphoreSlim _queued = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Action<StagingSlot> _releaseSlot;
    private readonly Thread _thread;
    private int _head;
    private int _count;
    private long _published;
    private long _dropped;
    private long _copiedImages;
    private long _copiedBytes;
    private long _directImages;
    private bool _disposed;

    /// <summary>Starts the thread.</summary>
    /// <param name="capacity">Writes that may wait at once before the queue grows: the streamer's slot count.</param>
    /// <param name="releaseSlot">Gives a slot back to the streamer once its image is copied or dropped (for a direct
    /// slot: cancels the ring image's reservation and unpins the ring).</param>
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

    /// <summary>Images published by copying them from a scratch slot into shared memory (the copy path).</summary>
    public long CopiedImages => Interlocked.Read(ref _copiedImages);

    /// <summary>Pixel bytes the copy path copied on the CPU (width·height·4 per copied image).</summary>
    public long CopiedBytes => Interlocked.Read(ref _copiedBytes);

    /// <summary>Images published that a worker had written straight into shared memory (no copy).</summary>
    public long DirectImages => Interlocked.Read(ref _directImages);

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
    public void Enqueue(in RingWrite write)
    {
        lock (_queueGate)
        {
            if (_count == _queue.Length)
            {
                // More reserved ring images in flight than ever before (many textures at once): grow, in order.
                var grown = new RingWrite[_queue.Length * 2];
                for (int i = 0; i < _count; i++)
                {
                    grown[i] = _queue[(_head + i) % _queue.Length];
                }

                _queue = grown;
                _head = 0;
            }

            _queue[(_head + _count) % _queue.Length] = write;
            _count++;
        }

        _queued.Release();
    }

    /// <summary>Stops the thread after the write in progress (waits for it; render thread at shutdown only), then
    /// gives back the slots of writes still queued.</summary>
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
        lock (_queueGate)
        {
            for (int i = 0; i < _count; i++)
            {
                int at = (_head + i) % _queue.Length;
                _releaseSlot(_queue[at].Slot);
                _queue[at] = default;
            }

            _count = 0;
        }
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
        if (write.Slot.Owner is DirectSlot direct)
        {
            PublishDirect(ring, direct, write.Sequence);
            return;
        }

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
                    Interlocked.Increment(ref _copiedImages);
                    Interlocked.Add(ref _copiedBytes, ring.ImageBytes);
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

    // The worker already wrote the pixels into the ring image it reserved: publishing is a release store, no copy. The
    // image is reserved, so this never waits for the renderer.
    private void PublishDirect(StreamedRing ring, DirectSlot direct, long sequence)
    {
        bool published = false;
        lock (ring.Gate)
        {
            if (!Volatile.Read(ref ring.Retired) && Volatile.Read(ref ring.LatestSequence) == sequence)
            {
                ring.PublishDirect(direct, sequence);
                published = true;
            }
        }

        if (published)
        {
            Interlocked.Increment(ref _published);
            Interlocked.Increment(ref _directImages);
        }
        else
        {
            Interlocked.Increment(ref _dropped);
            _releaseSlot(direct.Slot);
        }
    }
}
