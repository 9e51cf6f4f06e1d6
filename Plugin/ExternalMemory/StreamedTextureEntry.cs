using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>One handle of an <see cref="ExternalMemoryStreamer"/>: its ring of shared memory and the ordinary
/// texture materials sample. Render thread only.</summary>
internal sealed class StreamedTextureEntry
{
    /// <summary>Bumped when the handle is released, so stale handles find nothing.</summary>
    public int Generation;

    /// <summary>Submission number of the newest image queued for the handle; 0 when none.</summary>
    public long LatestSubmission;

    /// <summary>Submission number of the image <see cref="Texture"/> shows; 0 before the first.</summary>
    public long ShownSubmission;

    /// <summary>The shared ring at the size of the newest image handed to the writer; null before the first.</summary>
    public StreamedRing? Ring;

    /// <summary>The texture the newest latched frame was copied into; null before the first.</summary>
    public Texture2D? Texture;
}
