using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin;

/// <summary>How a <see cref="TextureGenerationPlugin"/> is set up.</summary>
public sealed record TextureGenerationPluginOptions
{
    /// <summary>The staging ring and upload budget.</summary>
    public TextureStreamerOptions Streamer { get; init; } = new();

    /// <summary>Where generated pixels go, for a plugin made on a GL context: <see cref="TextureSinkKind.CpuStaging"/>
    /// (the default, a <see cref="TextureStreamer"/>), <see cref="TextureSinkKind.VulkanExternalMemory"/> (an
    /// <see cref="ExternalMemoryStreamer"/>, falling back to CPU staging with the logged reason when this machine has no
    /// shared-memory route), <see cref="TextureSinkKind.Cuda"/> or <see cref="TextureSinkKind.DirectML"/> (a
    /// <see cref="RoutedTextureStreamer"/>: the decoder writes each texture's shared GPU memory when the pipeline runs on
    /// that provider, watermarked finals take staging slots; DirectML only for a plugin made with
    /// <see cref="TextureGenerationPlugin.Load"/>, which runs the sessions on the routes' D3D12 device), or
    /// <see cref="TextureSinkKind.Auto"/> (the best route here). Each falls back to CPU staging with the logged reason.
    /// <see cref="Streamer"/> sizes the slots.</summary>
    public TextureSinkKind Sink { get; init; } = TextureSinkKind.CpuStaging;

    /// <summary>Workers, queue and previews.</summary>
    public GenerationServiceOptions Service { get; init; } = new();

    /// <summary>Pipeline options for a package loaded by <see cref="TextureGenerationPlugin.Load"/> (inference threads
    /// default to one fewer than the cores, leaving one for the frame).</summary>
    public LcmPipelineOptions Pipeline { get; init; } = new();

    /// <summary>
    /// Folder of the <see cref="AssetCache"/> (the one <c>realtimegen bake</c> fills) to serve repeated requests from
    /// without inference and to store finished textures in; null (the default) for no cache. A folder that cannot be
    /// written is still read; the problem is logged once.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Size cap of the cache in <see cref="CacheDirectory"/>, in bytes.</summary>
    public long CacheMaxBytes { get; init; } = AssetCache.DefaultMaxBytes;

    /// <summary>Tracked entities re-checked per frame for direct request edits and destruction.</summary>
    public int AuditPerFrame { get; init; } = 16;
}
