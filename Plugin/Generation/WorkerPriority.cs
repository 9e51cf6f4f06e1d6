namespace RealtimeGen.Plugin.Generation;

/// <summary>CPU priority of the generation workers relative to the render thread.</summary>
public enum WorkerPriority
{
    /// <summary>Same as other threads.</summary>
    Normal,

    /// <summary>Lowest nice value (19 on Linux, below normal elsewhere): the render thread wins a contended core.</summary>
    Low,

    /// <summary>
    /// Linux SCHED_IDLE: runs only on otherwise idle CPU time; falls back to <see cref="Low"/> elsewhere. On saturated
    /// cores the worker can starve, and a garbage collection that waits for it stalls every thread.
    /// </summary>
    Idle,
}
