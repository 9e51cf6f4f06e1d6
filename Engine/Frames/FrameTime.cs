namespace RealtimeGen.Engine.Frames;

/// <summary>Where a frame stands in time; passed by <c>in</c> to every phase and ECS system.</summary>
/// <param name="Index">Zero-based frame number.</param>
/// <param name="DeltaSeconds">Time since the previous frame started (0 for the first frame).</param>
/// <param name="TotalSeconds">Time since the loop started.</param>
public readonly record struct FrameTime(long Index, double DeltaSeconds, double TotalSeconds);
