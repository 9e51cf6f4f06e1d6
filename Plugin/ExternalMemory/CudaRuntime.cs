using System.Runtime.InteropServices;
using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The CUDA runtime (cudart) entry points the CUDA route calls, bound at run time from whichever cudart the machine
/// has: the route is compiled everywhere and selected only where <see cref="Require"/> succeeds.
/// </summary>
/// <remarks>
/// Resolved with <see cref="NativeLibrary"/> rather than a DllImport name because cudart's file name carries its
/// major version (libcudart.so.12, cudart64_12.dll), and an assembly-wide import resolver is not this route's to
/// claim. Signatures follow the CUDA Runtime API reference (cuda_runtime_api.h, CUDA 11.4+).
/// </remarks>
internal static unsafe class CudaRuntime
{
    /// <summary>cudaExternalMemoryHandleTypeOpaqueFd.</summary>
    public const int HandleTypeOpaqueFd = 1;

    /// <summary>cudaExternalMemoryHandleTypeOpaqueWin32.</summary>
    public const int HandleTypeOpaqueWin32 = 2;

    /// <summary>cudaExternalMemoryDedicated.</summary>
    public const uint DedicatedFlag = 1;

    private static readonly Lazy<CudaFunctions?> Functions = new(Load);

    /// <summary>cudart file names tried, newest first.</summary>
    public static IReadOnlyList<string> LibraryNames { get; } = OperatingSystem.IsWindows()
        ? ["cudart64_12.dll", "cudart64_110.dll"]
        : ["libcudart.so.12", "libcudart.so.11.0", "libcudart.so"];

    /// <summary>Throws unless cudart loads and reports at least one device.</summary>
    /// <exception cref="RealtimeGenException">No CUDA runtime, or no CUDA device.</exception>
    public static void Require()
    {
        CudaFunctions functions = Functions.Value ?? throw new RealtimeGenException(
            $"The CUDA texture route needs the CUDA runtime ({string.Join(", ", LibraryNames)}), which could not be loaded. " +
            "It needs an NVIDIA GPU, its driver and the CUDA 12 runtime (which ONNX Runtime's CUDA provider, package " +
            "Microsoft.ML.OnnxRuntime.Gpu, needs too); elsewhere use --texture-sink extmem or staging.");
        int count = 0;
        int status = functions.GetDeviceCount(&count);
        if (status != 0 || count < 1)
        {
            throw new RealtimeGenException(
                $"The CUDA runtime loaded but reports no usable device (cudaGetDeviceCount: {ErrorText(status)}, {count} devices); " +
                "check the NVIDIA driver (nvidia-smi).");
        }
    }

    /// <summary>Makes <paramref name="sessionDeviceId"/> (the <see cref="Inference.InferenceOptions.DeviceId"/> the CUDA
    /// session uses) the calling thread's CUDA device, so that memory imported next lives where the session writes, and
    /// checks that CUDA took it.</summary>
    /// <exception cref="RealtimeGenException">No such device, or CUDA reports another current device.</exception>
    public static void UseDevice(int sessionDeviceId)
    {
        CudaFunctions functions = Loaded();
        Check(functions.SetDevice(sessionDeviceId), $"cudaSetDevice({sessionDeviceId}) for the CUDA session's InferenceOptions.DeviceId");
        int current = -1;
        Check(functions.GetDevice(&current), "cudaGetDevice");
        RequireSameDevice(current, sessionDeviceId);
    }

    /// <summary>Throws unless the device memory is imported on (<paramref name="importDevice"/>) is the session's
    /// (<paramref name="sessionDevice"/>), naming both.</summary>
    /// <exception cref="RealtimeGenException">The devices differ.</exception>
    internal static void RequireSameDevice(int importDevice, int sessionDevice)
    {
        if (importDevice != sessionDevice)
        {
            throw new RealtimeGenException(
                $"The CUDA texture route imports shared memory on CUDA device {importDevice}, but the CUDA session runs on " +
                $"InferenceOptions.DeviceId {sessionDevice}; a decoder output cannot be bound across devices. Use one device for both.");
        }
    }

    /// <summary>The runtime version as "12.4".</summary>
    public static string Version()
    {
        CudaFunctions functions = Loaded();
        int version = 0;
        _ = functions.RuntimeGetVersion(&version);
        return FormattableString.Invariant($"{version / 1000}.{version % 1000 / 10}");
    }

    /// <summary>Imports an fd (Vulkan opaque fd) as external memory; CUDA owns the fd after a successful import.</summary>
    public static nint ImportFd(int fd, ulong size, bool dedicated)
    {
        var description = new ExternalMemoryHandleDescription
        {
            Type = HandleTypeOpaqueFd,
            Fd = fd,
            Size = size,
            Flags = dedicated ? DedicatedFlag : 0,
        };
        nint external = 0;
        Check(Loaded().ImportExternalMemory(&external, &description), "cudaImportExternalMemory");
        return external;
    }

    /// <summary>Imports an NT handle (Vulkan opaque Win32) as external memory; the caller still closes the handle.</summary>
    public static nint ImportWin32(nint handle, ulong size, bool dedicated)
    {
        var description = new ExternalMemoryHandleDescription
        {
            Type = HandleTypeOpaqueWin32,
            Win32Handle = handle,
            Size = size,
            Flags = dedicated ? DedicatedFlag : 0,
        };
        nint external = 0;
        Check(Loaded().ImportExternalMemory(&external, &description), "cudaImportExternalMemory");
        return external;
    }

    /// <summary>Maps <paramref name="size"/> bytes from <paramref name="offset"/> of imported memory as a device pointer.</summary>
    public static nint MapBuffer(nint external, ulong offset, ulong size)
    {
        var description = new ExternalMemoryBufferDescription { Offset = offset, Size = size };
        nint devicePointer = 0;
        Check(Loaded().ExternalMemoryGetMappedBuffer(&devicePointer, external, &description), "cudaExternalMemoryGetMappedBuffer");
        return devicePointer;
    }

    /// <summary>Frees a mapped device pointer (cudaFree); errors at teardown are not actionable.</summary>
    public static void Free(nint devicePointer) => _ = Loaded().Free(devicePointer);

    /// <summary>Destroys imported memory; its mapped pointers must be freed first.</summary>
    public static void DestroyExternalMemory(nint external) => _ = Loaded().DestroyExternalMemory(external);

    private static CudaFunctions Loaded() => Functions.Value ?? throw new InvalidOperationException("Call CudaRuntime.Require first.");

    private static void Check(int status, string call)
    {
        if (status != 0)
        {
            throw new RealtimeGenException($"{call} failed: {ErrorText(status)}.");
        }
    }

    private static string ErrorText(int status)
    {
        CudaFunctions? functions = Functions.Value;
        if (functions is null || status == 0)
        {
            return status == 0 ? "success" : $"error {status}";
        }

        nint text = functions.GetErrorString(status);
        return $"{Marshal.PtrToStringAnsi(text) ?? "unknown"} ({status})";
    }

    private static CudaFunctions? Load()
    {
        foreach (string name in LibraryNames)
        {
            if (NativeLibrary.TryLoad(name, out nint library))
            {
                if (CudaFunctions.TryBind(library) is { } functions)
                {
                    return functions;
                }

                NativeLibrary.Free(library);
            }
        }

        return null;
    }

    /// <summary>cudaExternalMemoryHandleDesc: type, a 16-byte handle union at offset 8, size, flags, reserved.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 104)]
    private struct ExternalMemoryHandleDescription
    {
        [FieldOffset(0)]
        public int Type;

        [FieldOffset(8)]
        public int Fd;

        [FieldOffset(8)]
        public nint Win32Handle;

        [FieldOffset(16)]
        public nint Win32Name;

        [FieldOffset(24)]
        public ulong Size;

        [FieldOffset(32)]
        public uint Flags;
    }

    /// <summary>cudaExternalMemoryBufferDesc: offset, size, flags, reserved.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 88)]
    private struct ExternalMemoryBufferDescription
    {
        [FieldOffset(0)]
        public ulong Offset;

        [FieldOffset(8)]
        public ulong Size;

        [FieldOffset(16)]
        public uint Flags;
    }

    private sealed class CudaFunctions
    {
        public delegate* unmanaged<int*, int> GetDeviceCount;
        public delegate* unmanaged<int, int> SetDevice;
        public delegate* unmanaged<int*, int> GetDevice;
        public delegate* unmanaged<int*, int> RuntimeGetVersion;
        public delegate* unmanaged<int, nint> GetErrorString;
        public delegate* unmanaged<nint*, ExternalMemoryHandleDescription*, int> ImportExternalMemory;
        public delegate* unmanaged<nint*, nint, ExternalMemoryBufferDescription*, int> ExternalMemoryGetMappedBuffer;
        public delegate* unmanaged<nint, int> DestroyExternalMemory;
        public delegate* unmanaged<nint, int> Free;

        public static CudaFunctions? TryBind(nint library)
        {
            if (!NativeLibrary.TryGetExport(library, "cudaGetDeviceCount", out nint deviceCount) ||
                !NativeLibrary.TryGetExport(library, "cudaSetDevice", out nint setDevice) ||
                !NativeLibrary.TryGetExport(library, "cudaGetDevice", out nint getDevice) ||
                !NativeLibrary.TryGetExport(library, "cudaRuntimeGetVersion", out nint version) ||
                !NativeLibrary.TryGetExport(library, "cudaGetErrorString", out nint errorString) ||
                !NativeLibrary.TryGetExport(library, "cudaImportExternalMemory", out nint import) ||
                !NativeLibrary.TryGetExport(library, "cudaExternalMemoryGetMappedBuffer", out nint map) ||
                !NativeLibrary.TryGetExport(library, "cudaDestroyExternalMemory", out nint destroy) ||
                !NativeLibrary.TryGetExport(library, "cudaFree", out nint free))
            {
                return null;
            }

            return new CudaFunctions
            {
                GetDeviceCount = (delegate* unmanaged<int*, int>)deviceCount,
                SetDevice = (delegate* unmanaged<int, int>)setDevice,
                GetDevice = (delegate* unmanaged<int*, int>)getDevice,
                RuntimeGetVersion = (delegate* unmanaged<int*, int>)version,
                GetErrorString = (delegate* unmanaged<int, nint>)errorString,
                ImportExternalMemory = (delegate* unmanaged<nint*, ExternalMemoryHandleDescription*, int>)import,
                ExternalMemoryGetMappedBuffer = (delegate* unmanaged<nint*, nint, ExternalMemoryBufferDescription*, int>)map,
                DestroyExternalMemory = (delegate* unmanaged<nint, int>)destroy,
                Free = (delegate* unmanaged<nint, int>)free,
            };
        }
    }
}
