using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// ONNX Runtime's DirectML provider API (<c>OrtDmlApi</c>, dml_provider_factory.h), reached through
/// <c>OrtApi::GetExecutionProviderApi("DML")</c>: append the provider with our own D3D12 device and queue, and wrap a
/// D3D12 resource as an allocation an output can be bound to. Only builds with the DirectML provider
/// (Microsoft.ML.OnnxRuntime.DirectML) return the table; others fail with ONNX Runtime's own message.
/// </summary>
/// <remarks>
/// Slot numbers are positions in the C structs, which ONNX Runtime only ever appends to: OrtApi slot 2 is
/// GetErrorMessage, 93 ReleaseStatus, 195 GetExecutionProviderApi (since API version 10); OrtDmlApi slots 1, 2, 3 are
/// SessionOptionsAppendExecutionProvider_DML1, CreateGPUAllocationFromD3DResource, FreeGPUAllocation.
/// </remarks>
internal static unsafe partial class OrtDirectMLApi
{
    /// <summary>The OrtApi version asked for: the oldest with every slot used here.</summary>
    public const uint OrtApiVersion = 14;

    private const int GetErrorMessageSlot = 2;
    private const int ReleaseStatusSlot = 93;
    private const int GetExecutionProviderApiSlot = 195;
    private const int AppendDml1Slot = 1;
    private const int CreateAllocationSlot = 2;
    private const int FreeAllocationSlot = 3;

    /// <summary>The OrtDmlApi table; throws with ONNX Runtime's message where the provider is not built in.</summary>
    /// <exception cref="RealtimeGenException">The installed ONNX Runtime has no DirectML provider.</exception>
    public static nint* DmlApi()
    {
        nint* api = OrtApi();
        var getProviderApi = (delegate* unmanaged<byte*, uint, void**, nint>)api[GetExecutionProviderApiSlot];
        void* table = null;
        nint status;
        fixed (byte* name = "DML"u8)
        {
            status = getProviderApi(name, OrtApiVersion, &table);
        }

        ThrowOnStatus(api, status, "OrtApi::GetExecutionProviderApi(\"DML\")",
            " The DirectML route needs the Microsoft.ML.OnnxRuntime.DirectML native package (Windows), installed by the app.");
        return (nint*)table;
    }

    /// <summary>Appends the DirectML provider running on <paramref name="dmlDevice"/> and <paramref name="commandQueue"/>.</summary>
    public static void AppendExecutionProvider(SessionOptions options, nint dmlDevice, nint commandQueue)
    {
        ArgumentNullException.ThrowIfNull(options);
        nint* dml = DmlApi();
        var append = (delegate* unmanaged<nint, nint, nint, nint>)dml[AppendDml1Slot];
        bool added = false;
        options.DangerousAddRef(ref added);
        try
        {
            ThrowOnStatus(OrtApi(), append(options.DangerousGetHandle(), dmlDevice, commandQueue),
                "OrtDmlApi::SessionOptionsAppendExecutionProvider_DML1", string.Empty);
        }
        finally
        {
            if (added)
            {
                options.DangerousRelease();
            }
        }
    }

    /// <summary>Wraps a D3D12 buffer as a DirectML allocation (free with <see cref="FreeAllocation"/>).</summary>
    public static nint CreateAllocation(nint d3d12Resource)
    {
        nint* dml = DmlApi();
        var create = (delegate* unmanaged<nint, nint*, nint>)dml[CreateAllocationSlot];
        nint allocation = 0;
        ThrowOnStatus(OrtApi(), create(d3d12Resource, &allocation), "OrtDmlApi::CreateGPUAllocationFromD3DResource", string.Empty);
        return allocation;
    }

    /// <summary>Frees an allocation from <see cref="CreateAllocation"/>.</summary>
    public static void FreeAllocation(nint allocation)
    {
        nint* dml = DmlApi();
        var free = (delegate* unmanaged<nint, nint>)dml[FreeAllocationSlot];
        ReleaseStatus(OrtApi(), free(allocation));
    }

    private static nint* OrtApi()
    {
        var apiBase = (nint*)OrtGetApiBase();
        var getApi = (delegate* unmanaged<uint, nint*>)apiBase[0];
        nint* api = getApi(OrtApiVersion);
        return api != null ? api : throw new RealtimeGenException(
            $"The installed ONNX Runtime does not offer C API version {OrtApiVersion}; the DirectML route needs ONNX Runtime 1.14 or later.");
    }

    private static void ThrowOnStatus(nint* api, nint status, string call, string hint)
    {
        if (status == 0)
        {
            return;
        }

        var getMessage = (delegate* unmanaged<nint, byte*>)api[GetErrorMessageSlot];
        string message = Marshal.PtrToStringUTF8((nint)getMessage(status)) ?? "no message";
        ReleaseStatus(api, status);
        throw new RealtimeGenException($"{call} failed: {message.TrimEnd('.')}.{hint}");
    }

    private static void ReleaseStatus(nint* api, nint status)
    {
        if (status != 0)
        {
            ((delegate* unmanaged<nint, void>)api[ReleaseStatusSlot])(status);
        }
    }

    [LibraryImport("onnxruntime")]
    private static partial nint OrtGetApiBase();
}
