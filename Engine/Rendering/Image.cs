namespace RealtimeGen.Engine.Rendering;

/// <summary>A decoded image: RGBA8 pixels, rows top to bottom, tightly packed.</summary>
/// <remarks>Owns its pixel array; immutable in size, pixels may be edited in place. Not thread-safe for writes.</remarks>
public sealed class Image
{
    private readonly byte[] _pixels;

    /// <summary>Wraps an RGBA8 pixel array of exactly width × height × 4 bytes (not copied).</summary>
    public Image(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != (long)width * height * 4)
        {
            throw new ArgumentException($"Expected {(long)width * height * 4} bytes of RGBA8 for {width}x{height}; got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        _pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The RGBA8 pixels, first row at the top.</summary>
    public Span<byte> Pixels => _pixels;
}
