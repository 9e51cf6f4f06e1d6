using StbImageSharp;

namespace RealtimeGen.Engine.Rendering;

/// <summary>Reads PNG, JPEG, TGA and BMP files into RGBA8 <see cref="Image"/>s (StbImageSharp) and writes PNGs
/// (<see cref="PngEncoder"/>).</summary>
/// <remarks>
/// Size limits are checked from the file's header (StbImageSharp's ImageInfo) before any pixel memory is
/// allocated. Every failure is a <see cref="RealtimeGenException"/> naming the file. Thread-safe: no shared state.
/// </remarks>
public static class ImageFile
{
    /// <summary>Loads an image file as RGBA8, top row first.</summary>
    /// <exception cref="RealtimeGenException">The file is missing, too large, not a supported image, or corrupt.</exception>
    public static Image Load(string path, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        limits ??= ImageLimits.Default;
        FileStream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RealtimeGenException($"Cannot open image file '{path}': {exception.Message} Check the path and its permissions.", exception);
        }

        using (stream)
        {
            if (stream.Length > limits.MaxFileBytes)
            {
                throw new RealtimeGenException(
                    $"Image file '{path}' is {stream.Length} bytes; the limit is {limits.MaxFileBytes}. Use a smaller " +
                    "file or raise ImageLimits.MaxFileBytes.");
            }

            return Decode(stream, path, limits);
        }
    }

    /// <summary>Decodes an image held in memory as RGBA8, top row first.</summary>
    /// <param name="encoded">The file's bytes.</param>
    /// <param name="sourceName">Names the source in error messages (a path or a description).</param>
    /// <param name="limits">Size limits; <see cref="ImageLimits.Default"/> when null.</param>
    /// <exception cref="RealtimeGenException">Too large, not a supported image, or corrupt.</exception>
    public static Image Decode(ReadOnlyMemory<byte> encoded, string sourceName, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        limits ??= ImageLimits.Default;
        if (encoded.Length > limits.MaxFileBytes)
        {
            throw new RealtimeGenException(
                $"Image '{sourceName}' is {encoded.Length} bytes; the limit is {limits.MaxFileBytes}. Raise ImageLimits.MaxFileBytes.");
        }

        using var stream = new MemoryStream(encoded.ToArray(), writable: false);
        return Decode(stream, sourceName, limits);
    }

    /// <summary>Writes RGBA8 pixels (top row first) as a PNG file, replacing it if present.</summary>
    /// <exception cref="RealtimeGenException">The file cannot be written.</exception>
    public static void SavePng(string path, int width, int height, ReadOnlySpan<byte> rgba)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using FileStream stream = File.Create(path);
            WritePng(stream, width, height, rgba);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new RealtimeGenException($"Cannot write PNG '{path}': {exception.Message} Check that the folder exists and is writable.", exception);
        }
    }

    /// <summary>Writes an image as a PNG file.</summary>
    public static void SavePng(string path, Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        SavePng(path, image.Width, image.Height, image.Pixels);
    }

    /// <summary>Encodes RGBA8 pixels (top row first) as PNG into <paramref name="destination"/>.</summary>
    public static void WritePng(Stream destination, int width, int height, ReadOnlySpan<byte> rgba)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (rgba.Length != (long)width * height * 4)
        {
            throw new ArgumentException($"Expected {(long)width * height * 4} bytes of RGBA8 for {width}x{height}; got {rgba.Length}.", nameof(rgba));
        }

        // Files that are kept: the smaller output of Optimal, still faster than the previous encoder.
        PngEncoder.Write(destination, width, height, rgba, System.IO.Compression.CompressionLevel.Optimal);
    }

    private static Image Decode(Stream stream, string sourceName, ImageLimits limits)
    {
        ImageInfo? header = ImageInfo.FromStream(stream);
        if (header is not { } info)
        {
            throw new RealtimeGenException(
                $"'{sourceName}' is not a readable PNG, JPEG, TGA or BMP image: its header is not recognised (corrupt, " +
                "truncated, another format, or dimensions beyond what the decoder accepts). Re-export it as PNG.");
        }

        if (info.Width < 1 || info.Height < 1 || info.Width > limits.MaxWidth || info.Height > limits.MaxHeight
            || (long)info.Width * info.Height > limits.MaxPixels)
        {
            throw new RealtimeGenException(
                $"Image '{sourceName}' declares {info.Width}x{info.Height} pixels; the limits are {limits.MaxWidth}x" +
                $"{limits.MaxHeight} and {limits.MaxPixels} pixels in total. Downscale the image or raise ImageLimits.");
        }

        stream.Position = 0;
        ImageResult result;
        try
        {
            result = ImageResult.FromStream(stream, StbImageSharp.ColorComponents.RedGreenBlueAlpha);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // StbImageSharp reports decoding failures as plain exceptions carrying stb's reason.
            throw new RealtimeGenException(
                $"Image '{sourceName}' ({info.Width}x{info.Height}) is corrupt and could not be decoded: " +
                $"{exception.Message}. Re-export the file.", exception);
        }

        if (result.Data is null || result.Width != info.Width || result.Height != info.Height
            || result.Data.Length != (long)info.Width * info.Height * 4)
        {
            throw new RealtimeGenException(
                $"Image '{sourceName}' decoded to an unexpected size ({result.Width}x{result.Height}, " +
                $"{result.Data?.Length ?? 0} bytes) for its {info.Width}x{info.Height} header; the file is corrupt. Re-export it.");
        }

        return new Image(result.Width, result.Height, result.Data);
    }
}
