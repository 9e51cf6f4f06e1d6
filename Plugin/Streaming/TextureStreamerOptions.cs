namespace RealtimeGen.Plugin.Streaming;

/// <summary>How a <see cref="TextureStreamer"/> is set up.</summary>
public sealed record TextureStreamerOptions
{
    /// <summary>Staging slots in the ring: images in flight between workers and the GPU.</summary>
    public int SlotCount { get; init; } = 8;

    /// <summary>Bytes per slot: the largest image it takes (512×512 RGBA8 by default).</summary>
    public int SlotBytes { get; init; } = 512 * 512 * 4;

    /// <summary>Bytes uploaded per frame at most; one image is always uploaded even when it is larger.</summary>
    public int UploadBudgetBytes { get; init; } = 1 << 20;

    /// <summary>Whether textures get a full mip chain, regenerated after each image.</summary>
    public bool GenerateMipmaps { get; init; } = true;
}
