using RealtimeGen.Engine.Platform;

namespace RealtimeGen.Engine.Frames;

/// <summary>
/// The host's work in one frame, called by <see cref="FrameLoop"/> in a fixed order:
/// input → systems → uploads → render (then the loop presents).
/// </summary>
/// <remarks>
/// All phases run on the GL thread. None may wait on background work: they consume what is ready and move on.
/// </remarks>
public interface IFramePhases
{
    /// <summary>Reads this frame's key and character events (the context has just polled them).</summary>
    void ProcessInput(KeyboardInput input, in FrameTime time);

    /// <summary>Runs the ECS systems.</summary>
    void Update(in FrameTime time);

    /// <summary>Moves finished CPU-side data to the GPU, within the host's per-frame upload budget.</summary>
    void Upload(in FrameTime time);

    /// <summary>Draws the frame into the context's <see cref="IGraphicsContext.DefaultFramebuffer"/>.</summary>
    void Render(in FrameTime time);
}
