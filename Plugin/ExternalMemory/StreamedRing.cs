using System.Diagnostics.CodeAnalysis;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The shared-memory ring of one streamed texture at one size, as the <see cref="ExternalMemoryStreamer"/>, its
/// writer thread and the workers share it: the writer publishes into <see cref="Sink"/> only while holding
/// <see cref="Gate"/> and only while the ring is not <see cref="Retired"/>; workers write only into images they
/// reserved as <see cref="DirectSlot"/>s, each of which pins the ring. The render thread disposes a retired ring only
/// once nothing pins it and it holds the gate, so neither the writer nor a worker ever writes into a freed ring.
/// </summary>
/// <param name="sink">The shared texture ring.</param>
/// <param name="handle">The streamed texture it belongs to.</param>
/// <param name="owner">The streamer that made it.</param>
internal sealed class StreamedRing(ExternalMemoryTextureSink sink, StreamedTextureHandle handle, object owner)
{
    /// <summary>Sequence number of the newest image handed to the writer for this ring; older ones are dropped.
    /// Written by the render thread, read by the writer (Volatile).</summary>
    public long LatestSequence;

    /// <summary>Set by the render thread (<see cref="Retire"/>) when the texture was released or resized: the writer
    /// drops what it holds for the ring, workers get no more images of it, and the ring is disposed once the render
    /// thread gets the gate with no pins.</summary>
    public bool Retired;

    /// <summary>Direct slots reserved and not yet published or dropped (Interlocked).</summary>
    public int Pins;

    /// <summary>Frames the writer published into this ring (writer only).</summary>
    public long WriterFrames;

    private readonly DirectSlot?[] _direct = new DirectSlot?[sink.Texture.SlotCount];

    /// <summary>The streamer's submission number of ring frame f at [f % length], written by the writer before it
    /// publishes the frame (so the publication's release store covers it) and read by the render thread after
    /// latching. At most two frames are published past the shown one before the next latch, so 8 entries never wrap
    /// onto the frame being read.</summary>
    public long[] SubmissionOfFrame { get; } = new long[8];

    /// <summary>The shared texture ring (GL textures over Vulkan memory).</summary>
    public ExternalMemoryTextureSink Sink { get; } = sink;

    /// <summary>The streamed texture whose images this ring holds.</summary>
    public StreamedTextureHandle Handle { get; } = handle;

    /// <summary>The streamer that made the ring (to refuse slots of another streamer).</summary>
    public object Owner { get; } = owner;

    /// <summary>Held by the writer while it publishes; taken without waiting by the render thread to dispose.</summary>
    public Lock Gate { get; } = new();

    /// <summary>Bytes of one tightly packed RGBA8 image of the ring's size.</summary>
    public int ImageBytes => Sink.Width * Sink.Height * 4;

    /// <summary>
    /// Worker: reserves a ring image GL no longer samples, as a slot bound to its memory. False (nothing held) when
    /// the ring is retired or every image is shown, retiring, published or reserved. CPU and atomics only.
    /// </summary>
    public bool TryAcquireDirect([NotNullWhen(true)] out StagingSlot? slot)
    {
        slot = null;

        // Pin first, then look: the render thread marks the ring retired, then looks at the pins (both with full
        // fences), so either it sees this pin and keeps the ring, or this sees the ring retired and backs off.
        Interlocked.Increment(ref Pins);
        if (Volatile.Read(ref Retired) || !Sink.Texture.TryBeginWrite(out ExternalMemoryWrite write))
        {
            Interlocked.Decrement(ref Pins);
            return false;
        }

        // Only the holder of image i's reservation touches entry i, so making it here races with nobody.
        DirectSlot direct = _direct[write.Index] ??= new DirectSlot(this, write);
        Volatile.Write(ref direct.Held, 1);
        slot = direct.Slot;
        return true;
    }

    /// <summary>Any thread: gives back a reserved image unpublished and unpins the ring.</summary>
    public void CancelDirect(DirectSlot direct)
    {
        Sink.Texture.CancelWrite(direct.Write);
        Interlocked.Decrement(ref Pins);
    }

    /// <summary>Writer, holding <see cref="Gate"/>: publishes a reserved image as the ring's next frame and unpins the ring.</summary>
    public void PublishDirect(DirectSlot direct, long sequence)
    {
        SubmissionOfFrame[(WriterFrames + 1) % SubmissionOfFrame.Length] = sequence;
        Sink.Texture.EndWrite(direct.Write);
        WriterFrames++;
        Interlocked.Decrement(ref Pins);
    }

    /// <summary>Render thread: marks the ring retired (with a full fence, see <see cref="TryAcquireDirect"/>).</summary>
    public void Retire()
    {
        Volatile.Write(ref Retired, true);
        Interlocked.MemoryBarrier();
    }
}
