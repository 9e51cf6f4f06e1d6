namespace RealtimeGen.Plugin.Streaming;

/// <summary>
/// A fixed block of CPU-visible memory that a generation worker writes one RGBA8 image into, e.g. a region of a
/// persistent-mapped pixel-unpack buffer, or an image of shared GPU memory that the renderer samples: the image goes
/// from the decoder straight to where the GPU reads it.
/// </summary>
/// <remarks>
/// <para>Slots are created and owned by an <see cref="ITextureSink"/>, which hands each to one writer at a time. The
/// memory stays valid until the slot is submitted or released (and the sink disposed).</para>
/// <para>Two kinds: a scratch slot takes an image of any size up to <see cref="Capacity"/>, rows tightly packed
/// (<see cref="RowPitch"/> = width·4); a bound slot is one image of fixed <see cref="BoundWidth"/>×<see cref="BoundHeight"/>
/// in memory laid out by someone else (a linear Vulkan image), whose rows may be padded. Writers that honour
/// <see cref="RowPitch"/> (<see cref="GetImage"/>, <see cref="WriteTightRows"/>) work with both.</para>
/// </remarks>
public sealed class StagingSlot
{
    private readonly nint _address;
    private readonly int _boundPitch;

    /// <summary>Wraps <paramref name="capacity"/> bytes at <paramref name="address"/> as a scratch slot (rows tightly packed).</summary>
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

    /// <summary>Wraps one <paramref name="width"/>×<paramref name="height"/> image whose rows start
    /// <paramref name="rowPitch"/> bytes apart at <paramref name="address"/> (a bound slot).</summary>
    /// <param name="index">The sink's number for the slot.</param>
    /// <param name="address">Start of row 0, owned by the sink.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="rowPitch">Bytes from one row's start to the next's, at least width·4.</param>
    /// <param name="owner">The sink's bookkeeping for the slot (see <see cref="Owner"/>).</param>
    internal StagingSlot(int index, nint address, int width, int height, int rowPitch, object owner)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfZero(address);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowPitch, width * 4);
        Index = index;
        _address = address;
        BoundWidth = width;
        BoundHeight = height;
        _boundPitch = rowPitch;
        Capacity = checked(((height - 1) * rowPitch) + (width * 4));
        Owner = owner;
    }

    /// <summary>The sink's number for the slot.</summary>
    public int Index { get; }

    /// <summary>Bytes the slot holds.</summary>
    public int Capacity { get; }

    /// <summary>Width of the one image a bound slot takes; 0 for a scratch slot.</summary>
    public int BoundWidth { get; }

    /// <summary>Height of the one image a bound slot takes; 0 for a scratch slot.</summary>
    public int BoundHeight { get; }

    /// <summary>The sink's bookkeeping for a bound slot (which shared image it is); null for a scratch slot.</summary>
    internal object? Owner { get; }

    /// <summary>Bytes from the start of one row to the next for an image <paramref name="width"/> pixels wide:
    /// width·4 in a scratch slot, the shared image's (possibly padded) pitch in a bound slot.</summary>
    /// <exception cref="ArgumentException">A bound slot asked about another width.</exception>
    public int RowPitch(int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (BoundWidth == 0)
        {
            return width * 4;
        }

        CheckBound(width, BoundHeight);
        return _boundPitch;
    }

    /// <summary>
    /// The first <paramref name="byteCount"/> bytes of the slot, to write a tightly packed image into.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">More than <see cref="Capacity"/> bytes.</exception>
    /// <exception cref="InvalidOperationException">A bound slot whose rows are padded: write it through
    /// <see cref="GetImage"/> at <see cref="RowPitch"/>, or <see cref="WriteTightRows"/>.</exception>
    public unsafe Span<byte> GetSpan(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(byteCount, Capacity);
        if (BoundWidth != 0 && _boundPitch != BoundWidth * 4)
        {
            throw new InvalidOperationException(
                $"This slot's {BoundWidth}×{BoundHeight} image has rows {_boundPitch} bytes apart, not {BoundWidth * 4}; " +
                "write it through GetImage and RowPitch, or WriteTightRows.");
        }

        return new Span<byte>((void*)_address, byteCount);
    }

    /// <summary>
    /// The memory of a <paramref name="width"/>×<paramref name="height"/> image, row y starting at
    /// y·<see cref="RowPitch"/>(width): (height − 1)·pitch + width·4 bytes. Bytes between rows are padding.
    /// </summary>
    /// <exception cref="ArgumentException">The image does not fit a scratch slot, or is not a bound slot's size.</exception>
    public unsafe Span<byte> GetImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        int pitch = RowPitch(width);
        CheckBound(width, height);
        long bytes = ((long)(height - 1) * pitch) + (width * 4L);
        if (bytes > Capacity)
        {
            throw new ArgumentException($"Expected an image of at most {Capacity} bytes of RGBA8; found {width}×{height} ({bytes} bytes).", nameof(width));
        }

        return new Span<byte>((void*)_address, (int)bytes);
    }

    /// <summary>Copies a tightly packed <paramref name="width"/>×<paramref name="height"/> RGBA8 image in at <see cref="RowPitch"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="rgba"/> is not width·height·4 bytes, or the image does not fit.</exception>
    public void WriteTightRows(ReadOnlySpan<byte> rgba, int width, int height)
    {
        Span<byte> image = GetImage(width, height);
        int rowBytes = width * 4;
        if (rgba.Length != (long)rowBytes * height)
        {
            throw new ArgumentException($"Expected {(long)rowBytes * height} bytes of RGBA8 for {width}×{height}; found {rgba.Length}.", nameof(rgba));
        }

        int pitch = RowPitch(width);
        if (pitch == rowBytes)
        {
            rgba.CopyTo(image);
            return;
        }

        for (int y = 0; y < height; y++)
        {
            rgba.Slice(y * rowBytes, rowBytes).CopyTo(image.Slice(y * pitch, rowBytes));
        }
    }

    private void CheckBound(int width, int height)
    {
        if (BoundWidth != 0 && (width != BoundWidth || height != BoundHeight))
        {
            throw new ArgumentException(
                $"This slot holds one {BoundWidth}×{BoundHeight} image; found a request for {width}×{height}.", nameof(width));
        }
    }
}
