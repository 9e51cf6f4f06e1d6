namespace RealtimeGen.Plugin.Generation;

/// <summary>How a <see cref="GenerationService"/> runs its jobs.</summary>
public sealed record GenerationServiceOptions
{
    /// <summary>Worker threads, each with its own backend (one pipeline each).</summary>
    public int WorkerCount { get; init; } = 1;

    /// <summary>Jobs that may wait at once; a full queue keeps the higher-priority jobs.</summary>
    public int QueueCapacity { get; init; } = 64;

    /// <summary>Which steps send previews.</summary>
    public PreviewMode PreviewMode { get; init; } = PreviewMode.EveryStep;

    /// <summary>k for <see cref="PreviewMode.EveryKthStep"/>.</summary>
    public int PreviewInterval { get; init; } = 2;

    /// <summary>Priority of the worker threads; the render thread keeps its core.</summary>
    /// <remarks>
    /// Low (nice 19), not Idle, by default: a garbage collection must bring every managed thread to a safe point, and a
    /// SCHED_IDLE worker on saturated cores may get no CPU for seconds, stalling the render thread with it (the suspected
    /// cause of a 31 s frame in the demo while a build ran). Nice 19 still yields the core but always makes progress.
    /// </remarks>
    public WorkerPriority WorkerPriority { get; init; } = WorkerPriority.Low;
}
