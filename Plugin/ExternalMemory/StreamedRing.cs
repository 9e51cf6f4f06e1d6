namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The shared-memory ring of one streamed texture at one size, as the <see cref="ExternalMemoryStreamer"/> and its
/// writer thread share it: the writer publishes into <see cref="Sink"/> only while holding <see cref="Gate"/> and
/// only while the ring is not <see cref="Retired"/>; the render thread disposes a retired ring only once it holds the
/// gate, so the writer never writes into a ring being disposed.
/// </summary>
internal sealed class StreamedRing(ExternalMemoryTextureSink sink)
{
    /// <summary>Sequence number of the newest image handed to the writer for this ring; older ones are dropped.
    /// Written by the render thread, read by the writer (Volatile).</summary>
    public long LatestSequence;

    /// <summary>Set (Volatile) by the render thread when the texture was released or resized: the writer drops
    /// what it holds for the ring, and the ring is disposed once the render thread gets the gate.</summary>
    public bool Retired;

    /// <summary>Frames the writer published into this ring (writer only).</summary>
    public long WriterFrames;

    /// <summary>The streamer's submission number of ring frame f at [f % length], written by the writer before it
    /// publishes the frame (so the publication's release store covers it) and read by the render thread after
    /// latching. At most two frames are published past the shown one before the next latch, so 8 entries never wrap
    /// onto the frame being read.</summary>
    public long[] SubmissionOfFrame { get; } = new long[8];

    /// <summary>The shared texture ring (GL textures over Vulkan memory).</summary>
    public ExternalMemoryTextureSink Sink { get; } = sink;

    /// <summary>Held by the writer while it publishes; taken without waiting by the render thread to dispose.</summary>
    public Lock Gate { get; } = new();

    /// <summary>Bytes of one tightly packed RGBA8 image of the ring's size.</summary>
    public int ImageBytes => Sink.Width * Sink.Height * 4;
}
