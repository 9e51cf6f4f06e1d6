using RealtimeGen.Engine;
using StbImageSharp;

namespace RealtimeGen.Plugin.Pipeline;

/// <summary>An RGBA8 start image for img2img, held at the size it will be generated at.</summary>
/// <remarks>Immutable after creation; safe to share between threads.</remarks>
public sealed class InitImage
{
    /// <summary>Largest file accepted by <see cref="Load"/>.</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Largest width or height accepted by <see cref="Load"/> before resizing.</summary>
    public const int MaxDimension = 8192;

    private readonly byte[] _rgba;

    private InitImage(byte[] rgba, int width, int height)
    {
        _rgba = rgba;
        Width = width;
        Height = height;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Pixels, row-major RGBA8, top row first.</summary>
    public ReadOnlySpan<byte> Rgba => _rgba;

    /// <summary>Copies <paramref name="rgba"/> (width·height·4 bytes), resized to the target size when it differs.</summary>
    public static InitImage FromRgba(ReadOnlySpan<byte> rgba, int width, int height, int targetWidth, int targetHeight)
    {
        if (width < 1 || height < 1 || rgba.Length != (long)width * height * 4)
        {
            throw new RealtimeGenException(
                $"Expected {width}×{height} RGBA8 pixels ({(long)width * height * 4} bytes); found {rgba.Length} bytes.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(targetWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetHeight, 1);
        return new InitImage(Resize(rgba, width, height, targetWidth, targetHeight), targetWidth, targetHeight);
    }

    /// <summary>Reads a PNG, JPEG, BMP, TGA or other stb_image format and resizes it to the target size.</summary>
    /// <exception cref="RealtimeGenException">The file is missing, too large, or not a decodable image.</exception>
    public static InitImage Load(string path, int targetWidth, int targetHeight)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new RealtimeGenException($"Expected an init image at {path}; it does not exist.");
        }

        if (file.Length > MaxFileBytes)
        {
            throw new RealtimeGenException(
                $"{path}: expected an init image of at most {MaxFileBytes >> 20} MiB; found {file.Length >> 20} MiB. " +
                "Scale it down first.");
        }

        byte[] bytes = File.ReadAllBytes(path);
        ImageInfo? info;
        using (var stream = new MemoryStream(bytes, writable: false))
        {
            info = ImageInfo.FromStream(stream);
        }

        if (info is not { } header)
        {
            // stb_image also refuses headers whose pixels would exceed 1 GiB here.
            throw new RealtimeGenException(
                $"{path}: expected a PNG, JPEG, BMP, TGA, GIF or PSD image of at most {MaxDimension}×{MaxDimension} " +
                "pixels; the header is not one (corrupt or far too large).");
        }

        if (header.Width < 1 || header.Height < 1 || header.Width > MaxDimension || header.Height > MaxDimension)
        {
            throw new RealtimeGenException(
                $"{path}: expected an init image of at most {MaxDimension}×{MaxDimension} pixels; found " +
                $"{header.Width}×{header.Height}. Scale it down first.");
        }

        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlueAlpha);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            throw new RealtimeGenException($"{path}: expected a decodable image; decoding failed: {e.Message}", e);
        }

        return FromRgba(image.Data, image.Width, image.Height, targetWidth, targetHeight);
    }

    /// <summary>Writes the image as planar RGB in [−1, 1] (the VAE encoder's input) into <paramref name="destination"/>.</summary>
    public void WritePlanar(Span<float> destination)
    {
        int plane = Width * Height;
        if (destination.Length != 3 * plane)
        {
            throw new ArgumentException($"Expected room for {3 * plane} floats; found {destination.Length}.", nameof(destination));
        }

        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                destination[(c * plane) + i] = (_rgba[(i * 4) + c] / 127.5f) - 1f;
            }
        }
    }

    // Bilinear with pixel centres aligned; enough for start images, which the model re-noises anyway.
    private static byte[] Resize(ReadOnlySpan<byte> source, int width, int height, int targetWidth, int targetHeight)
    {
        var result = new byte[targetWidth * targetHeight * 4];
        if (width == targetWidth && height == targetHeight)
        {
            source.CopyTo(result);
            return result;
        }

        double scaleX = (double)width / targetWidth;
        double scaleY = (double)height / targetHeight;
        for (int y = 0; y < targetHeight; y++)
        {
            double sy = Math.Clamp(((y + 0.5) * scaleY) - 0.5, 0, height - 1);
            int y0 = (int)sy;
            int y1 = Math.Min(y0 + 1, height - 1);
            double fy = sy - y0;
            for (int x = 0; x < targetWidth; x++)
            {
                double sx = Math.Clamp(((x + 0.5) * scaleX) - 0.5, 0, width - 1);
                int x0 = (int)sx;
                int x1 = Math.Min(x0 + 1, width - 1);
                double fx = sx - x0;
                for (int c = 0; c < 4; c++)
                {
                    double top = (source[(((y0 * width) + x0) * 4) + c] * (1 - fx)) + (source[(((y0 * width) + x1) * 4) + c] * fx);
                    double bottom = (source[(((y1 * width) + x0) * 4) + c] * (1 - fx)) + (source[(((y1 * width) + x1) * 4) + c] * fx);
                    result[(((y * targetWidth) + x) * 4) + c] = (byte)Math.Round((top * (1 - fy)) + (bottom * fy));
                }
            }
        }

        return result;
    }
}
