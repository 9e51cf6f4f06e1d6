using RealtimeGen.Engine.ExternalMemory;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The outcome of <see cref="TextureSinkSelector.Select(TextureSinkKind, Silk.NET.OpenGL.GL, Microsoft.Extensions.Logging.ILogger?, string?)"/>: which sink to build and why, and the Vulkan device the
/// external-memory sinks need, which this selection owns.
/// </summary>
public sealed class TextureSinkSelection : IDisposable
{
    internal TextureSinkSelection(TextureSinkKind requested, TextureSinkKind kind, string reason,
        GlExternalMemorySupport? glSupport, VulkanExternalMemoryDevice? vulkan)
    {
        Requested = requested;
        Kind = kind;
        Reason = reason;
        GlSupport = glSupport;
        Vulkan = vulkan;
    }

    /// <summary>What the caller asked for.</summary>
    public TextureSinkKind Requested { get; }

    /// <summary>The sink to build: never <see cref="TextureSinkKind.Auto"/>.</summary>
    public TextureSinkKind Kind { get; }

    /// <summary>Why: the capability that made it possible, or the error that forced the fallback.</summary>
    public string Reason { get; }

    /// <summary>True when the requested (non-Auto) sink could not be had and CPU staging took over.</summary>
    public bool FellBack => Requested != TextureSinkKind.Auto && Requested != Kind;

    /// <summary>GL's external-memory capabilities, for the external-memory sinks; null for CPU staging.</summary>
    public GlExternalMemorySupport? GlSupport { get; }

    /// <summary>The Vulkan device sharing memory with GL, for the external-memory sinks; null for CPU staging.</summary>
    public VulkanExternalMemoryDevice? Vulkan { get; }

    /// <summary>Destroys the Vulkan device (after every texture made with it).</summary>
    public void Dispose() => Vulkan?.Dispose();
}
