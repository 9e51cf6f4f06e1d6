using System.Diagnostics;

namespace RealtimeGen.Engine.Frames;

/// <summary>
/// A fixed-capacity ring of per-frame timings: the CPU time spent inside the frame and the time from the
/// start of the previous frame to the start of this one.
/// </summary>
/// <remarks>
/// Recording never allocates, so it can run every frame; once the ring is full the oldest frames are
/// overwritten and the summary covers the most recent <see cref="Capacity"/> frames. Not thread-safe: the
/// frame loop's thread owns it.
/// </remarks>
public sealed class FrameStats
{
    private readonly double[] _cpuMs;
    private readonly double[] _frameMs;
    private long _recorded;

    /// <summary>Creates an empty ring.</summary>
    /// <param name="capacity">How many recent frames the ring keeps.</param>
    /// <param name="budgetMs">The frame budget in milliseconds (16.67 for 60 Hz) that frames are counted against.</param>
    public FrameStats(int capacity = 8192, double budgetMs = 1000.0 / 60.0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budgetMs);
        _cpuMs = new double[capacity];
        _frameMs = new double[capacity];
        BudgetMs = budgetMs;
    }

    /// <summary>How many frames the ring keeps.</summary>
    public int Capacity => _cpuMs.Length;

    /// <summary>The frame budget frames are counted against, in milliseconds.</summary>
    public double BudgetMs { get; }

    /// <summary>Frames recorded since creation or <see cref="Clear"/>, including those the ring has overwritten.</summary>
    public long TotalRecorded => _recorded;

    /// <summary>Frames currently held by the ring.</summary>
    public int Count => (int)Math.Min(_recorded, _cpuMs.Length);

    /// <summary>Records one frame.</summary>
    /// <param name="cpuMs">Time spent inside the frame's phases.</param>
    /// <param name="frameMs">Time since the previous frame started; for the very first frame pass <paramref name="cpuMs"/>.</param>
    public void Record(double cpuMs, double frameMs)
    {
        Debug.Assert(cpuMs >= 0 && frameMs >= 0, "Frame times cannot be negative.");
        var slot = (int)(_recorded % _cpuMs.Length);
        _cpuMs[slot] = cpuMs;
        _frameMs[slot] = frameMs;
        _recorded++;
    }

    /// <summary>Forgets every recorded frame, e.g. after warm-up.</summary>
    public void Clear() => _recorded = 0;

    /// <summary>Copies the held frame-to-frame times, oldest first, into <paramref name="destination"/>.</summary>
    /// <returns>The number of values written.</returns>
    public int CopyFrameTimes(Span<double> destination) => CopyOrdered(_frameMs, destination);

    /// <summary>Copies the held CPU times, oldest first, into <paramref name="destination"/>.</summary>
    /// <returns>The number of values written.</returns>
    public int CopyCpuTimes(Span<double> destination) => CopyOrdered(_cpuMs, destination);

    /// <summary>Summarises the held frames as percentiles and counts frames over budget.</summary>
    /// <remarks>Allocates its scratch copies: call it at the end of a run or from a UI tick, not per frame.</remarks>
    public FrameStatsSummary Summarize()
    {
        var count = Count;
        var cpu = new double[count];
        var frame = new double[count];
        CopyCpuTimes(cpu);
        CopyFrameTimes(frame);
        var overBudget = 0;
        foreach (var ms in frame)
        {
            if (ms > BudgetMs)
            {
                overBudget++;
            }
        }

        return new FrameStatsSummary(
            count,
            BudgetMs,
            TimingSummary.Of(cpu),
            TimingSummary.Of(frame),
            overBudget);
    }

    private int CopyOrdered(double[] source, Span<double> destination)
    {
        var count = Count;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, count, nameof(destination));
        if (_recorded <= source.Length)
        {
            source.AsSpan(0, count).CopyTo(destination);
            return count;
        }

        var oldest = (int)(_recorded % source.Length);
        var tail = source.Length - oldest;
        source.AsSpan(oldest).CopyTo(destination);
        source.AsSpan(0, oldest).CopyTo(destination[tail..]);
        return count;
    }
}
