using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The DirectML route's shared objects (Windows), made on the <see cref="DirectMLDevice"/> the decoder's session runs
/// on: a shared D3D12 buffer the decoder's output is bound to, and a shared fence the device's queue signals when the
/// output is written. GL imports the buffer's NT handle (GL_EXT_memory_object_win32, D3D12 resource) and the fence's
/// (GL_EXT_semaphore_win32). Owns the buffer, fence, handles and allocation; the device stays its owner's.
/// </summary>
/// <remarks>
/// Written against the documented D3D12 and ONNX Runtime ABIs (d3d12.h, dml_provider_factory.h); COM methods are
/// called through their vtable slots. Compiled everywhere; only a <see cref="DirectMLDevice"/> (Windows) can make one.
/// </remarks>
public sealed unsafe partial class D3D12SharedOutput : IDisposable
{
    private const int HeapTypeDefault = 1;
    private const int HeapFlagShared = 0x1;
    private const int ResourceDimensionBuffer = 1;
    private const int TextureLayoutRowMajor = 1;
    private const int ResourceFlagAllowUnorderedAccess = 0x4;
    private const int FenceFlagShared = 0x1;
    private const uint GenericAll = 0x10000000;

    // vtable slots: IUnknown 0-2, ID3D12Object 3-6, then the interface's own methods in header order.
    private const int DeviceCreateCommittedResourceSlot = 27;
    private const int DeviceCreateSharedHandleSlot = 31;
    private const int DeviceCreateFenceSlot = 36;
    private const int QueueSignalSlot = 14;

    private static readonly Guid ResourceIid = new("696442be-a72e-4059-bc79-5b5c98040fad");
    private static readonly Guid FenceIid = new("0a753dcf-c4d8-4b91-adf6-be5a60d95a76");

    private readonly DirectMLDevice _device;
    private nint _buffer;
    private nint _fence;
    private nint _bufferHandle;
    private nint _fenceHandle;
    private nint _allocation;
    private OrtValue? _tensor;

    private D3D12SharedOutput(DirectMLDevice device, ulong size)
    {
        _device = device;
        Size = size;
    }

    /// <summary>The device the buffer and fence live on (and the decoder's session must run on).</summary>
    public DirectMLDevice Device => _device;

    /// <summary>Bytes of the shared buffer.</summary>
    public ulong Size { get; }

    /// <summary>NT handle of the shared buffer, for <c>GlMemoryObject.ImportWin32(…, D3D12Resource, …)</c>.</summary>
    public nint SharedBufferHandle => _bufferHandle;

    /// <summary>NT handle of the shared fence, for <c>GlSemaphore.ImportWin32(…, d3d12Fence: true)</c>.</summary>
    public nint SharedFenceHandle => _fenceHandle;

    /// <summary>Creates a shared buffer of <paramref name="size"/> bytes and a shared fence on <paramref name="device"/>.</summary>
    /// <exception cref="RealtimeGenException">A D3D12 call failed.</exception>
    public static D3D12SharedOutput Create(DirectMLDevice device, ulong size)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfZero(size);
        ObjectDisposedException.ThrowIf(device.Device == 0, device);
        var output = new D3D12SharedOutput(device, size);
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
        ObjectDisposedException.ThrowIf(_fence == 0, this);
        nint queue = _device.Queue;
        ObjectDisposedException.ThrowIf(queue == 0, _device);
        Check(((delegate* unmanaged<nint, nint, ulong, int>)Slot(queue, QueueSignalSlot))(queue, _fence, value), "ID3D12CommandQueue::Signal");
    }

    /// <summary>Releases the tensor, allocation, handles, buffer and fence (not the device).</summary>
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
    }

    private void CreateObjects()
    {
        nint device = _device.Device;
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
        Guid iid = ResourceIid;
        nint buffer;
        Check(((delegate* unmanaged<nint, HeapProperties*, int, ResourceDescription*, int, void*, Guid*, nint*, int>)Slot(device, DeviceCreateCommittedResourceSlot))(
            device, &heap, HeapFlagShared, &description, 0, null, &iid, &buffer), "ID3D12Device::CreateCommittedResource (shared buffer)");
        _buffer = buffer;
        _bufferHandle = CreateSharedHandle(_buffer);

        iid = FenceIid;
        nint fence;
        Check(((delegate* unmanaged<nint, ulong, int, Guid*, nint*, int>)Slot(device, DeviceCreateFenceSlot))(device, 0, FenceFlagShared, &iid, &fence),
            "ID3D12Device::CreateFence (shared)");
        _fence = fence;
        _fenceHandle = CreateSharedHandle(_fence);
    }

    private nint CreateSharedHandle(nint deviceChild)
    {
        nint device = _device.Device;
        nint handle;
        Check(((delegate* unmanaged<nint, nint, void*, uint, char*, nint*, int>)Slot(device, DeviceCreateSharedHandleSlot))(
            device, deviceChild, null, GenericAll, null, &handle), "ID3D12Device::CreateSharedHandle");
        return handle;
    }

    private static nint Slot(nint comObject, int slot) => DirectMLDevice.Slot(comObject, slot);

    private static void Release(ref nint comObject) => DirectMLDevice.Release(ref comObject);

    private static void CloseSharedHandle(ref nint handle)
    {
        if (handle != 0)
        {
            _ = CloseHandle(handle);
            handle = 0;
        }
    }

    private static void Check(int hresult, string call) => DirectMLDevice.Check(hresult, call);

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
