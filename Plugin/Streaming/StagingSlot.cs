namespace RealtimeGen.Plugin.Streaming;

/// <summary>
/// A fixed block of CPU-visible memory that a generation worker writes one RGBA8 image into, e.g. a region of a
/// persistent-mapped pixel-unpack buffer: the image goes from the decoder straight to where the GPU copies it from.
/// </summary>
/// <remarks>
/// Slots are created and owned by an <see cref="ITextureSink"/>, which hands each to one writer at a time. The
/// memory stays valid until the sink is disposed.
/// </remarks>
public sealed class StagingSlot
{
    private readonly nint _address;

    /// <summary>Wraps <paramref name="capacity"/> bytes at <paramref name="address"/>.</summary>
    /// <param name="index">The sink's number for the slot, 0 … slot count − 1.</param>
    /// <param name="address">Start of the memory, owned by the sink.</param>
    /// <param name="capacity">Bytes the slot holds.</param>
    public StagingSlot(int index, nint address, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfZero(address);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Index = index;
        _address = address;
        Capacity = capacity;
    }

    /// <summary>The sink's number for the slot.</summary>
    public int Index { get; }

    /// <summary>Bytes the slot holds.</summary>
    public int Capacity { get; }

    /// <summary>The first <paramref name="byteCount"/> bytes of the slot, to write an image into.</summary>
    /// <exception cref="ArgumentOutOfRangeException">More than <see cref="Capacity"/> bytes.</exception>
    public unsafe Span<byte> GetSpan(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(byteCount, Capacity);
        return new Span<byte>((void*)_address, byteCount);
    }
}
