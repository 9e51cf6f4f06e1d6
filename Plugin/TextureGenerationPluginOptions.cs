using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin;

/// <summary>How a <see cref="TextureGenerationPlugin"/> is set up.</summary>
public sealed record TextureGenerationPluginOptions
{
    /// <summary>The staging ring and upload budget.</summary>
    public TextureStreamerOptions Streamer { get; init; } = new();

    /// <summary>Workers, queue and previews.</summary>
    public GenerationServiceOptions Service { get; init; } = new();

    /// <summary>Pipeline options for a package loaded by <see cref="TextureGenerationPlugin.Load"/> (inference threads
    /// default to one fewer than the cores, leaving one for the frame).</summary>
    public LcmPipelineOptions Pipeline { get; init; } = new();

    /// <summary>Tracked entities re-checked per frame for direct request edits and destruction.</summary>
    public int AuditPerFrame { get; init; } = 16;
}
