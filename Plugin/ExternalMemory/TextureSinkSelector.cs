using Microsoft.Extensions.Logging;
using RealtimeGen.Engine;
using RealtimeGen.Engine.ExternalMemory;
using Silk.NET.OpenGL;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// Picks the texture sink: the one asked for when this machine has what it needs, CPU staging otherwise. The
/// choice and its reason are logged; a requested sink that is unavailable logs a warning with the capability
/// check's message (which names the missing extension, library or package).
/// </summary>
public static class TextureSinkSelector
{
    /// <summary>Probes and chooses; call on the GL thread with the context current.</summary>
    /// <param name="requested">The sink asked for (e.g. from the demo's --texture-sink flag).</param>
    /// <param name="gl">The renderer's GL.</param>
    /// <param name="logger">Receives the choice; null to skip.</param>
    /// <param name="vulkanLoader">The Vulkan loader library to require; the OS default unless given.</param>
    /// <param name="deviceId">The GPU index the inference sessions use (<see cref="Inference.InferenceOptions.DeviceId"/>).</param>
    public static TextureSinkSelection Select(TextureSinkKind requested, GL gl, ILogger? logger = null, string? vulkanLoader = null, int deviceId = 0)
    {
        ArgumentNullException.ThrowIfNull(gl);
        return Select(requested, GlExternalMemorySupport.Query(gl), logger, vulkanLoader, deviceId);
    }

    /// <summary>Chooses against given GL capabilities (tests model drivers without the extensions this way).</summary>
    internal static TextureSinkSelection Select(TextureSinkKind requested, GlExternalMemorySupport gl, ILogger? logger, string? vulkanLoader, int deviceId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
        if (!Enum.IsDefined(requested))
        {
            throw new ArgumentOutOfRangeException(nameof(requested), requested,
                "Expected a texture sink Auto, CpuStaging, VulkanExternalMemory, Cuda or DirectML.");
        }

        TextureSinkSelection selection = requested switch
        {
            TextureSinkKind.CpuStaging => new(requested, TextureSinkKind.CpuStaging, "asked for", null, null),
            TextureSinkKind.DirectML => Try(requested, () => DirectMLRoute(gl, deviceId)),
            TextureSinkKind.Cuda => Try(requested, () => CudaRoute(gl, vulkanLoader, deviceId)),
            TextureSinkKind.VulkanExternalMemory => Try(requested, () => VulkanRoute(requested, gl, vulkanLoader)),
            _ => Auto(gl, vulkanLoader, deviceId),
        };

        if (logger is not null)
        {
            if (selection.FellBack)
            {
                ExternalMemoryLog.SinkFellBack(logger, requested, selection.Kind, selection.Reason);
            }
            else
            {
                ExternalMemoryLog.SinkChosen(logger, selection.Kind, requested, selection.Reason);
            }
        }

        return selection;
    }

    /// <summary>Parses a command-line value: auto, staging (cpu), external (extmem, vulkan), cuda, directml (dml).</summary>
    /// <exception cref="RealtimeGenException">The value is none of those.</exception>
    public static TextureSinkKind Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Trim().ToUpperInvariant() switch
        {
            "AUTO" => TextureSinkKind.Auto,
            "STAGING" or "CPU" => TextureSinkKind.CpuStaging,
            "EXTERNAL" or "EXTMEM" or "VULKAN" => TextureSinkKind.VulkanExternalMemory,
            "CUDA" => TextureSinkKind.Cuda,
            "DIRECTML" or "DML" => TextureSinkKind.DirectML,
            _ => throw new RealtimeGenException(
                $"Unknown texture sink '{value}'; expected auto, staging, external (extmem), cuda or directml."),
        };
    }

    private static TextureSinkSelection Auto(GlExternalMemorySupport gl, string? vulkanLoader, int deviceId)
    {
        var reasons = new List<string>(3);
        Func<TextureSinkSelection>[] routes = OperatingSystem.IsWindows()
            ? [() => DirectMLRoute(gl, deviceId), () => CudaRoute(gl, vulkanLoader, deviceId), () => VulkanRoute(TextureSinkKind.Auto, gl, vulkanLoader)]
            : [() => CudaRoute(gl, vulkanLoader, deviceId), () => VulkanRoute(TextureSinkKind.Auto, gl, vulkanLoader)];
        foreach (Func<TextureSinkSelection> route in routes)
        {
            try
            {
                return route();
            }
            catch (RealtimeGenException exception)
            {
                reasons.Add(exception.Message);
            }
        }

        return new(TextureSinkKind.Auto, TextureSinkKind.CpuStaging,
            "no shared-memory route here: " + string.Join(" | ", reasons), null, null);
    }

    private static TextureSinkSelection Try(TextureSinkKind requested, Func<TextureSinkSelection> route)
    {
        try
        {
            return route();
        }
        catch (RealtimeGenException exception)
        {
            return new(requested, TextureSinkKind.CpuStaging, exception.Message, null, null);
        }
    }

    private static TextureSinkSelection VulkanRoute(TextureSinkKind requested, GlExternalMemorySupport support, string? vulkanLoader)
    {
        VulkanExternalMemoryDevice vulkan = VulkanExternalMemoryDevice.Create(support.RequireDeviceUuid(), vulkanLoader);
        return new(requested, TextureSinkKind.VulkanExternalMemory,
            $"GL '{support.Renderer}' imports memory from Vulkan '{vulkan.DeviceName}' (same device UUID)", support, vulkan);
    }

    private static TextureSinkSelection CudaRoute(GlExternalMemorySupport gl, string? vulkanLoader, int deviceId)
    {
        CudaRuntime.Require();
        TextureSinkSelection vulkan = VulkanRoute(TextureSinkKind.Cuda, gl, vulkanLoader);
        return new(TextureSinkKind.Cuda, TextureSinkKind.Cuda,
            $"CUDA runtime {CudaRuntime.Version()} imports the Vulkan memory on device {deviceId}; {vulkan.Reason}", vulkan.GlSupport, vulkan.Vulkan,
            deviceId: deviceId);
    }

    private static TextureSinkSelection DirectMLRoute(GlExternalMemorySupport support, int deviceId)
    {
        DirectMLRuntime.Require();
        support.RequireMemoryImport(ExternalHandleKind.D3D12Resource);
        DirectMLDevice device = DirectMLDevice.Create(deviceId);
        return new(TextureSinkKind.DirectML, TextureSinkKind.DirectML,
            $"D3D12 and DirectML are present and GL '{support.Renderer}' imports D3D12 resources; one D3D12 device (adapter {deviceId}) " +
            "for the DirectML session and the shared buffers", support, null, device, deviceId);
    }
}
