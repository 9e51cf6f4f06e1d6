using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// Presence checks for the DirectML route: Windows with D3D12 (d3d12.dll), DirectML (DirectML.dll) and an ONNX
/// Runtime build with the DirectML provider (package Microsoft.ML.OnnxRuntime.DirectML, installed by the app).
/// </summary>
internal static class DirectMLRuntime
{
    /// <summary>The ONNX Runtime provider name of DirectML.</summary>
    public const string ProviderName = "DmlExecutionProvider";

    /// <summary>Throws unless the DirectML route can run here, naming what is missing.</summary>
    /// <exception cref="RealtimeGenException">Not Windows, or a library or the provider is missing.</exception>
    public static void Require()
    {
        if (!OperatingSystem.IsWindows())
        {
            throw new RealtimeGenException(
                $"The DirectML texture route needs Windows 10 or later (D3D12: d3d12.dll, DirectML.dll); this is {RuntimeInformation.OSDescription}. " +
                "Use --texture-sink extmem (Vulkan) or cuda here, or staging.");
        }

        foreach (string library in (string[])["d3d12.dll", "DirectML.dll"])
        {
            if (!NativeLibrary.TryLoad(library, out nint handle))
            {
                throw new RealtimeGenException(
                    $"The DirectML texture route needs {library}, which could not be loaded. DirectML.dll ships with the " +
                    "Microsoft.ML.OnnxRuntime.DirectML package; d3d12.dll with Windows 10+.");
            }

            NativeLibrary.Free(handle);
        }

        string[] providers = OrtEnv.Instance().GetAvailableProviders();
        if (!providers.Contains(ProviderName, StringComparer.Ordinal))
        {
            throw new RealtimeGenException(
                $"The installed ONNX Runtime lacks {ProviderName} (it has {string.Join(", ", providers)}). " +
                "Reference Microsoft.ML.OnnxRuntime.DirectML in the app instead of Microsoft.ML.OnnxRuntime.");
        }
    }
}
