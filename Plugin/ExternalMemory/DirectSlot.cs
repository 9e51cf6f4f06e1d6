using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// One image of a <see cref="StreamedRing"/> handed to a worker as a <see cref="StagingSlot"/> bound to the image's
/// mapped memory and row pitch: the worker's RGBA writer fills the memory GL samples, and submitting the slot only
/// publishes it. Made once per ring image, by the first worker that reserves it.
/// </summary>
/// <remarks>
/// While a worker holds it (<see cref="Held"/>), and until the writer thread has published or dropped it, the image
/// is reserved in the ring (GL does not sample it) and the ring is pinned (<see cref="StreamedRing.Pins"/>), so it is
/// never disposed under the worker's writes.
/// </remarks>
internal sealed class DirectSlot
{
    /// <summary>1 from the reservation until the slot is submitted or released (Interlocked): a second submit or
    /// release of the same reservation is refused instead of publishing or freeing an image twice.</summary>
    public int Held;

    /// <summary>Wraps the image reserved by <paramref name="write"/>.</summary>
    public unsafe DirectSlot(StreamedRing ring, ExternalMemoryWrite write)
    {
        Ring = ring;
        Write = write;
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(write.Row(0)));
        Slot = new StagingSlot(write.Index, address, write.Width, write.Height, write.RowPitch, this);
    }

    /// <summary>The ring the image belongs to.</summary>
    public StreamedRing Ring { get; }

    /// <summary>The reservation in the ring's <see cref="ExternalMemoryTexture"/> (the same for every use of this image).</summary>
    public ExternalMemoryWrite Write { get; }

    /// <summary>What the worker writes into.</summary>
    public StagingSlot Slot { get; }
}
