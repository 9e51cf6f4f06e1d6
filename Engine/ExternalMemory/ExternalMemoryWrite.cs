namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>
/// A slot of an <see cref="ExternalMemoryTexture"/> reserved for the producer between
/// <see cref="ExternalMemoryTexture.TryBeginWrite"/> and <see cref="ExternalMemoryTexture.EndWrite"/>: GL does not
/// sample it until it is published.
/// </summary>
public readonly struct ExternalMemoryWrite : IEquatable<ExternalMemoryWrite>
{
    internal ExternalMemoryWrite(int slot, VulkanExportedImage image)
    {
        Slot = slot;
        Image = image;
    }

    /// <summary>Width in pixels.</summary>
    public int Width => Image.Width;

    /// <summary>Height in pixels.</summary>
    public int Height => Image.Height;

    /// <summary>Which image of the ring is reserved (0 … slot count − 1); the same image always has the same index,
    /// so a producer can keep per-image state (e.g. a view of its mapped rows).</summary>
    public int Index => Slot;

    /// <summary>Bytes between rows in the shared memory (not necessarily width × 4).</summary>
    public int RowPitch => Image.RowPitch;

    /// <summary>Whether <see cref="TightPixels"/> is available (no row padding).</summary>
    public bool IsTightlyPacked => Image.IsTightlyPacked;

    /// <summary>The whole image as tightly packed RGBA8 rows in shared memory, when <see cref="IsTightlyPacked"/>.</summary>
    public Span<byte> TightPixels => Image.TightPixels;

    internal int Slot { get; }

    internal VulkanExportedImage Image { get; }

    /// <summary>Mapped bytes of row <paramref name="y"/> (width × 4 bytes of RGBA8).</summary>
    public Span<byte> Row(int y) => Image.Row(y);

    /// <summary>Writes tightly packed RGBA8 rows at the shared memory's row pitch.</summary>
    public void WriteTightRows(ReadOnlySpan<byte> rgba) => Image.WriteTightRows(rgba);

    /// <inheritdoc/>
    public bool Equals(ExternalMemoryWrite other) => Slot == other.Slot && ReferenceEquals(Image, other.Image);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ExternalMemoryWrite other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Slot, Image);

    /// <summary>Whether two reservations are the same slot of the same texture.</summary>
    public static bool operator ==(ExternalMemoryWrite left, ExternalMemoryWrite right) => left.Equals(right);

    /// <summary>Whether two reservations differ.</summary>
    public static bool operator !=(ExternalMemoryWrite left, ExternalMemoryWrite right) => !left.Equals(right);
}
