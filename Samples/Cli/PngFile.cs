using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Samples.Cli;

/// <summary>Writes RGBA8 pixels as PNG files.</summary>
public static class PngFile
{
    /// <summary>Writes <paramref name="rgba"/> (width·height·4 bytes, top row first) to <paramref name="path"/>,
    /// creating its folder.</summary>
    public static void Write(string path, ReadOnlySpan<byte> rgba, int width, int height)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        ImageFile.SavePng(path, width, height, rgba);
    }
}
