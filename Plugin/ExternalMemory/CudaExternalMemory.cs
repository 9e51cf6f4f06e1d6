using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RealtimeGen.Engine;
using RealtimeGen.Engine.ExternalMemory;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// Vulkan-exported memory imported into CUDA (cudaImportExternalMemory) and mapped as a device pointer, so that ONNX
/// Runtime's CUDA provider can write a model output straight into memory GL samples. Owns the CUDA import and its
/// mapping.
/// </summary>
/// <remarks>
/// The route: Vulkan allocates and exports (opaque fd), GL imports one fd, CUDA imports another; the decoder's
/// output is bound with IOBinding to <see cref="FloatTensor"/>, an OrtValue over the device pointer. Requires an NVIDIA GPU whose Vulkan and
/// GL drivers report the same device UUID as CUDA. Compiled everywhere; <see cref="ImportFd"/> fails clearly where
/// cudart is missing.
/// </remarks>
public sealed class CudaExternalMemory : IDisposable
{
    private nint _external;
    private nint _devicePointer;
    private OrtValue? _tensor;
    private long[] _tensorShape = [];

    private CudaExternalMemory(nint external, nint devicePointer, ulong size, int deviceId)
    {
        _external = external;
        _devicePointer = devicePointer;
        Size = size;
        DeviceId = deviceId;
    }

    /// <summary>Bytes mapped.</summary>
    public ulong Size { get; }

    /// <summary>The CUDA device the memory was imported on.</summary>
    public int DeviceId { get; }

    /// <summary>The device pointer to the start of the memory; 0 after disposal.</summary>
    public nint DevicePointer => _devicePointer;

    /// <summary>Imports an opaque fd of <paramref name="size"/> bytes. CUDA owns the fd after success; on failure it is
    /// closed here, so the caller never closes it.</summary>
    /// <exception cref="RealtimeGenException">No CUDA runtime or device, CUDA device <paramref name="deviceId"/> (the CUDA session's
    /// InferenceOptions.DeviceId) could not be made current, or CUDA rejected the memory.</exception>
    public static CudaExternalMemory ImportFd(int fd, ulong size, bool dedicated, int deviceId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fd);
        nint external;
        try
        {
            ArgumentOutOfRangeException.ThrowIfZero(size);
            ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
            CudaRuntime.Require();
            CudaRuntime.UseDevice(deviceId);
            external = CudaRuntime.ImportFd(fd, size, dedicated);
        }
        catch
        {
            PosixFile.Close(fd);
            throw;
        }

        try
        {
            return new CudaExternalMemory(external, CudaRuntime.MapBuffer(external, 0, size), size, deviceId);
        }
        catch
        {
            CudaRuntime.DestroyExternalMemory(external);
            throw;
        }
    }

    /// <summary>Imports memory exported as an NT handle (Windows); the caller closes the handle afterwards.</summary>
    /// <exception cref="RealtimeGenException">No CUDA runtime or device, CUDA device <paramref name="deviceId"/> (the CUDA session's
    /// InferenceOptions.DeviceId) could not be made current, or CUDA rejected the memory.</exception>
    public static CudaExternalMemory ImportWin32(nint handle, ulong size, bool dedicated, int deviceId = 0)
    {
        if (handle == 0)
        {
            throw new ArgumentException("The NT handle is null.", nameof(handle));
        }

        ArgumentOutOfRangeException.ThrowIfZero(size);
        ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
        CudaRuntime.Require();
        CudaRuntime.UseDevice(deviceId);
        nint external = CudaRuntime.ImportWin32(handle, size, dedicated);
        try
        {
            return new CudaExternalMemory(external, CudaRuntime.MapBuffer(external, 0, size), size, deviceId);
        }
        catch
        {
            CudaRuntime.DestroyExternalMemory(external);
            throw;
        }
    }

    /// <summary>
    /// The memory as a float tensor of <paramref name="shape"/> on this CUDA device (an <see cref="OrtValue"/> over
    /// the device pointer, no copy). Owned here: valid until the shape changes or this object is disposed.
    /// </summary>
    public OrtValue FloatTensor(long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ObjectDisposedException.ThrowIf(_devicePointer == 0, this);
        if (_tensor is not null && _tensorShape.AsSpan().SequenceEqual(shape))
        {
            return _tensor;
        }

        long bytes = shape.Aggregate(1L, (product, dimension) => checked(product * dimension)) * sizeof(float);
        if (bytes <= 0 || (ulong)bytes > Size)
        {
            throw new ArgumentException($"A float tensor of shape [{string.Join(", ", shape)}] needs {bytes} bytes; the memory has {Size}.", nameof(shape));
        }

        _tensor?.Dispose();
        using var memoryInfo = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, DeviceId, OrtMemType.Default);
        _tensor = OrtValue.CreateTensorValueWithData(memoryInfo, TensorElementType.Float, shape, _devicePointer, bytes);
        _tensorShape = [.. shape];
        return _tensor;
    }

    /// <summary>Binds <paramref name="outputName"/> of a CUDA-provider session to this memory, so the model writes there.</summary>
    public void BindOutput(OrtIoBinding binding, string outputName, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentException.ThrowIfNullOrEmpty(outputName);
        binding.BindOutput(outputName, FloatTensor(shape));
    }

    /// <summary>Unmaps and destroys the import.</summary>
    public void Dispose()
    {
        if (_external == 0)
        {
            return;
        }

        _tensor?.Dispose();
        _tensor = null;
        CudaRuntime.Free(_devicePointer);
        CudaRuntime.DestroyExternalMemory(_external);
        _devicePointer = 0;
        _external = 0;
    }
}
