namespace RealtimeGen.Engine.Rendering;

/// <summary>Upper bounds an image file must meet before <see cref="ImageFile"/> decodes it, so that a hostile or
/// broken header cannot make the decoder allocate gigabytes.</summary>
public sealed record ImageLimits
{
    /// <summary>The defaults: 16384 pixels per side, 64 Mi pixels (256 MiB decoded), 256 MiB per file.</summary>
    public static ImageLimits Default { get; } = new();

    /// <summary>Largest width accepted.</summary>
    public int MaxWidth { get; init; } = 16384;

    /// <summary>Largest height accepted.</summary>
    public int MaxHeight { get; init; } = 16384;

    /// <summary>Largest width × height accepted.</summary>
    public long MaxPixels { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest file accepted, in bytes.</summary>
    public long MaxFileBytes { get; init; } = 256L * 1024 * 1024;
}
