using RealtimeGen.Engine.ExternalMemory;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The outcome of <see cref="TextureSinkSelector.Select(TextureSinkKind, Silk.NET.OpenGL.GL, Microsoft.Extensions.Logging.ILogger?, string?, int)"/>: which sink to build and why, and the Vulkan device the
/// external-memory sinks need or the D3D12 device of the DirectML route, which this selection owns.
/// </summary>
public sealed class TextureSinkSelection : IDisposable
{
    internal TextureSinkSelection(TextureSinkKind requested, TextureSinkKind kind, string reason,
        GlExternalMemorySupport? glSupport, VulkanExternalMemoryDevice? vulkan, DirectMLDevice? directML = null, int deviceId = 0)
    {
        DirectML = directML;
        DeviceId = deviceId;
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

    /// <summary>The D3D12 device of the DirectML route, shared by its buffers and the pipeline's DirectML sessions; null
    /// for other sinks.</summary>
    public DirectMLDevice? DirectML { get; }

    /// <summary>The GPU index the inference sessions use (<see cref="Inference.InferenceOptions.DeviceId"/>): the CUDA
    /// route imports memory on it and the DirectML device is made on that adapter.</summary>
    public int DeviceId { get; }

    /// <summary>Destroys the Vulkan or D3D12 device (after every texture and session made with it).</summary>
    public void Dispose()
    {
        Vulkan?.Dispose();
        DirectML?.Dispose();
    }
}
