using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The DirectML route's shared objects (Windows): our D3D12 device and compute queue, the DirectML device ONNX
/// Runtime runs on, a shared D3D12 buffer the decoder's output is bound to, and a shared fence the queue signals
/// when the output is written. GL imports the buffer's NT handle (GL_EXT_memory_object_win32, D3D12 resource) and
/// the fence's (GL_EXT_semaphore_win32). Owns every COM object and handle.
/// </summary>
/// <remarks>
/// Written against the documented D3D12, DirectML and ONNX Runtime ABIs (d3d12.h, DirectML.h,
/// dml_provider_factory.h); COM methods are called through their vtable slots. Compiled everywhere;
/// <see cref="Create"/> fails clearly where Windows, D3D12, DirectML or the provider is missing.
/// </remarks>
public sealed unsafe partial class D3D12SharedOutput : IDisposable
{
    private const int FeatureLevel11 = 0xb000;
    private const int CommandListTypeCompute = 2;
    private const int HeapTypeDefault = 1;
    private const int HeapFlagShared = 0x1;
    private const int ResourceDimensionBuffer = 1;
    private const int TextureLayoutRowMajor = 1;
    private const int ResourceFlagAllowUnorderedAccess = 0x4;
    private const int FenceFlagShared = 0x1;
    private const uint GenericAll = 0x10000000;

    // vtable slots: IUnknown 0-2, ID3D12Object 3-6, then the interface's own methods in header order.
    private const int ReleaseSlot = 2;
    private const int DeviceCreateCommandQueueSlot = 8;
    private const int DeviceCreateCommittedResourceSlot = 27;
    private const int DeviceCreateSharedHandleSlot = 31;
    private const int DeviceCreateFenceSlot = 36;
    private const int QueueSignalSlot = 14;

    private static readonly Guid DeviceIid = new("189819f1-1db6-4b57-be54-1821339b85f7");
    private static readonly Guid CommandQueueIid = new("0ec870a6-5d7e-4c22-8cfc-5baae07616ed");
    private static readonly Guid ResourceIid = new("696442be-a72e-4059-bc79-5b5c98040fad");
    private static readonly Guid FenceIid = new("0a753dcf-c4d8-4b91-adf6-be5a60d95a76");
    private static readonly Guid DmlDeviceIid = new("6dbd6437-96fd-423f-a98c-ae5e7c2a573f");

    private nint _device;
    private nint _queue;
    private nint _dmlDevice;
    private nint _buffer;
    private nint _fence;
    private nint _bufferHandle;
    private nint _fenceHandle;
    private nint _allocation;
    private OrtValue? _tensor;

    private D3D12SharedOutput(ulong size) => Size = size;

    /// <summary>Bytes of the shared buffer.</summary>
    public ulong Size { get; }

    /// <summary>NT handle of the shared buffer, for <c>GlMemoryObject.ImportWin32(…, D3D12Resource, …)</c>.</summary>
    public nint SharedBufferHandle => _bufferHandle;

    /// <summary>NT handle of the shared fence, for <c>GlSemaphore.ImportWin32(…, d3d12Fence: true)</c>.</summary>
    public nint SharedFenceHandle => _fenceHandle;

    /// <summary>Creates the device, queue, DirectML device, shared buffer of <paramref name="size"/> bytes and shared fence.</summary>
    /// <exception cref="RealtimeGenException">Not Windows, or D3D12/DirectML/the provider is missing, or a D3D12 call failed.</exception>
    public static D3D12SharedOutput Create(ulong size)
    {
        ArgumentOutOfRangeException.ThrowIfZero(size);
        DirectMLRuntime.Require();
        var output = new D3D12SharedOutput(size);
        try
        {
            output.CreateObjects();
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>Adds the DirectML provider on this device and queue to a session's options.</summary>
    public void AppendExecutionProvider(SessionOptions options) =>
        OrtDirectMLApi.AppendExecutionProvider(options, _dmlDevice, _queue);

    /// <summary>The shared buffer as a float tensor of <paramref name="shape"/> for IOBinding; owned here.</summary>
    public OrtValue FloatTensor(long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ObjectDisposedException.ThrowIf(_buffer == 0, this);
        long bytes = shape.Aggregate(1L, (product, dimension) => checked(product * dimension)) * sizeof(float);
        if (bytes <= 0 || (ulong)bytes > Size)
        {
            throw new ArgumentException($"A float tensor of shape [{string.Join(", ", shape)}] needs {bytes} bytes; the buffer has {Size}.", nameof(shape));
        }

        _tensor?.Dispose();
        if (_allocation == 0)
        {
            _allocation = OrtDirectMLApi.CreateAllocation(_buffer);
        }

        using var memoryInfo = new OrtMemoryInfo("DML", OrtAllocatorType.DeviceAllocator, 0, OrtMemType.Default);
        _tensor = OrtValue.CreateTensorValueWithData(memoryInfo, TensorElementType.Float, shape, _allocation, bytes);
        return _tensor;
    }

    /// <summary>Makes the queue signal the shared fence with <paramref name="value"/> after the work queued so far
    /// (the decoder run): GL waits for that value before reading.</summary>
    public void Signal(ulong value)
    {
        ObjectDisposedException.ThrowIf(_queue == 0, this);
        Check(((delegate* unmanaged<nint, nint, ulong, int>)Slot(_queue, QueueSignalSlot))(_queue, _fence, value), "ID3D12CommandQueue::Signal");
    }

    /// <summary>Releases the tensor, allocation, handles and COM objects.</summary>
    public void Dispose()
    {
        _tensor?.Dispose();
        _tensor = null;
        if (_allocation != 0)
        {
            OrtDirectMLApi.FreeAllocation(_allocation);
            _allocation = 0;
        }

        CloseSharedHandle(ref _bufferHandle);
        CloseSharedHandle(ref _fenceHandle);
        Release(ref _fence);
        Release(ref _buffer);
        Release(ref _dmlDevice);
        Release(ref _queue);
        Release(ref _device);
    }

    private void CreateObjects()
    {
        Guid iid = DeviceIid;
        nint device;
        Check(D3D12CreateDevice(0, FeatureLevel11, &iid, &device), "D3D12CreateDevice (feature level 11.0)");
        _device = device;

        int* queueDescription = stackalloc int[4] { CommandListTypeCompute, 0, 0, 0 };
        iid = CommandQueueIid;
        nint queue;
        Check(((delegate* unmanaged<nint, int*, Guid*, nint*, int>)Slot(_device, DeviceCreateCommandQueueSlot))(_device, queueDescription, &iid, &queue),
            "ID3D12Device::CreateCommandQueue");
        _queue = queue;

        iid = DmlDeviceIid;
        nint dml;
        Check(DMLCreateDevice(_device, 0, &iid, &dml), "DMLCreateDevice");
        _dmlDevice = dml;

        var heap = new HeapProperties { Type = HeapTypeDefault, CreationNodeMask = 1, VisibleNodeMask = 1 };
        var description = new ResourceDescription
        {
            Dimension = ResourceDimensionBuffer,
            Width = Size,
            Height = 1,
            DepthOrArraySize = 1,
            MipLevels = 1,
            SampleCount = 1,
            Layout = TextureLayoutRowMajor,
            Flags = ResourceFlagAllowUnorderedAccess,
        };
        iid = ResourceIid;
        nint buffer;
        Check(((delegate* unmanaged<nint, HeapProperties*, int, ResourceDescription*, int, void*, Guid*, nint*, int>)Slot(_device, DeviceCreateCommittedResourceSlot))(
            _device, &heap, HeapFlagShared, &description, 0, null, &iid, &buffer), "ID3D12Device::CreateCommittedResource (shared buffer)");
        _buffer = buffer;
        _bufferHandle = CreateSharedHandle(_buffer);

        iid = FenceIid;
        nint fence;
        Check(((delegate* unmanaged<nint, ulong, int, Guid*, nint*, int>)Slot(_device, DeviceCreateFenceSlot))(_device, 0, FenceFlagShared, &iid, &fence),
            "ID3D12Device::CreateFence (shared)");
        _fence = fence;
        _fenceHandle = CreateSharedHandle(_fence);
    }

    private nint CreateSharedHandle(nint deviceChild)
    {
        nint handle;
        Check(((delegate* unmanaged<nint, nint, void*, uint, char*, nint*, int>)Slot(_device, DeviceCreateSharedHandleSlot))(
            _device, deviceChild, null, GenericAll, null, &handle), "ID3D12Device::CreateSharedHandle");
        return handle;
    }

    private static nint Slot(nint comObject, int slot) => (*(nint**)comObject)[slot];

    private static void Release(ref nint comObject)
    {
        if (comObject != 0)
        {
            _ = ((delegate* unmanaged<nint, uint>)Slot(comObject, ReleaseSlot))(comObject);
            comObject = 0;
        }
    }

    private static void CloseSharedHandle(ref nint handle)
    {
        if (handle != 0)
        {
            _ = CloseHandle(handle);
            handle = 0;
        }
    }

    private static void Check(int hresult, string call)
    {
        if (hresult < 0)
        {
            throw new RealtimeGenException($"{call} failed with HRESULT 0x{hresult:X8}.");
        }
    }

    [LibraryImport("d3d12.dll")]
    private static partial int D3D12CreateDevice(nint adapter, int minimumFeatureLevel, Guid* riid, nint* device);

    [LibraryImport("DirectML.dll")]
    private static partial int DMLCreateDevice(nint d3d12Device, int flags, Guid* riid, nint* device);

    [LibraryImport("kernel32.dll")]
    private static partial int CloseHandle(nint handle);

    /// <summary>D3D12_HEAP_PROPERTIES.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct HeapProperties
    {
        public int Type;
        public int CpuPageProperty;
        public int MemoryPoolPreference;
        public uint CreationNodeMask;
        public uint VisibleNodeMask;
    }

    /// <summary>D3D12_RESOURCE_DESC.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceDescription
    {
        public int Dimension;
        public ulong Alignment;
        public ulong Width;
        public uint Height;
        public ushort DepthOrArraySize;
        public ushort MipLevels;
        public int Format;
        public uint SampleCount;
        public uint SampleQuality;
        public int Layout;
        public int Flags;
    }
}
