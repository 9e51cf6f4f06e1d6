using System.Diagnostics;
using RealtimeGen.Engine.Platform;

namespace RealtimeGen.Engine.Frames;

/// <summary>
/// Runs frames in the fixed phase order input → systems → uploads → render → present, and records each frame's
/// CPU time and frame-to-frame time in a <see cref="FrameStats"/> ring.
/// </summary>
/// <remarks>
/// The loop itself allocates nothing per frame: timing uses <see cref="Stopwatch.GetTimestamp"/> and the stats ring
/// is preallocated. Call it on the GL thread, the thread that created the context.
/// </remarks>
public sealed class FrameLoop
{
    private readonly IGraphicsContext _context;
    private readonly long _origin;
    private long _previousStart;
    private long _frameIndex;

    /// <summary>Creates a loop over <paramref name="context"/>; the clock starts now.</summary>
    public FrameLoop(IGraphicsContext context, FrameStats stats)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(stats);
        _context = context;
        Stats = stats;
        _origin = Stopwatch.GetTimestamp();
    }

    /// <summary>The timings recorded so far.</summary>
    public FrameStats Stats { get; }

    /// <summary>Frames run so far.</summary>
    public long FrameCount => _frameIndex;

    /// <summary>Runs one frame.</summary>
    /// <typeparam name="TPhases">Generic so that a struct or sealed host is called without interface dispatch cost.</typeparam>
    public void RunFrame<TPhases>(TPhases phases)
        where TPhases : IFramePhases
    {
        var start = Stopwatch.GetTimestamp();
        var delta = _frameIndex == 0 ? 0.0 : Stopwatch.GetElapsedTime(_previousStart, start).TotalSeconds;
        var time = new FrameTime(_frameIndex, delta, Stopwatch.GetElapsedTime(_origin, start).TotalSeconds);

        _context.PollEvents();
        phases.ProcessInput(_context.Input, in time);
        phases.Update(in time);
        phases.Upload(in time);
        phases.Render(in time);
        _context.Present();

        var end = Stopwatch.GetTimestamp();
        var cpuMs = Stopwatch.GetElapsedTime(start, end).TotalMilliseconds;
        Stats.Record(cpuMs, _frameIndex == 0 ? cpuMs : delta * 1000.0);
        _previousStart = start;
        _frameIndex++;
    }

    /// <summary>Runs frames until the context should close or <paramref name="maxFrames"/> frames have run.</summary>
    /// <returns>The number of frames this call ran.</returns>
    public long Run<TPhases>(TPhases phases, long maxFrames = long.MaxValue)
        where TPhases : IFramePhases
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFrames);
        long ran = 0;
        while (ran < maxFrames && !_context.ShouldClose)
        {
            RunFrame(phases);
            ran++;
        }

        return ran;
    }
}
