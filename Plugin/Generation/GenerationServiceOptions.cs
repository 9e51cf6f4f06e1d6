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
    public WorkerPriority WorkerPriority { get; init; } = WorkerPriority.Idle;
}
