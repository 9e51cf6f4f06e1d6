using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Inference;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The one D3D12 device of the DirectML route (Windows): the device, its compute queue and the DirectML device over
/// them. The pipeline's DirectML sessions run on it (<see cref="AppendExecutionProvider"/>, through
/// <see cref="InferenceOptions.DirectMLDevice"/>) and every <see cref="D3D12SharedOutput"/> is made on it, so a
/// decoder output can be bound to a shared buffer. Owns the three COM objects; dispose after every session and shared
/// output made with it.
/// </summary>
/// <remarks>
/// Written against the documented DXGI, D3D12 and DirectML ABIs; COM methods are called through their vtable slots.
/// Compiled everywhere; <see cref="Create"/> fails clearly where Windows, D3D12, DirectML or the provider is missing,
/// with nothing left allocated.
/// </remarks>
public sealed unsafe partial class DirectMLDevice : IDirectMLDevice, IDisposable
{
    private const int FeatureLevel11 = 0xb000;
    private const int CommandListTypeCompute = 2;
    private const int DxgiErrorNotFound = unchecked((int)0x887A0002);

    // vtable slots: IUnknown 0-2, IDXGIObject 3-6, IDXGIFactory 7-11, IDXGIFactory1's EnumAdapters1 12; ID3D12Object 3-6
    // then ID3D12Device's methods in header order.
    private const int ReleaseSlot = 2;
    private const int FactoryEnumAdapters1Slot = 12;
    private const int DeviceCreateCommandQueueSlot = 8;

    private static readonly Guid FactoryIid = new("770aae78-f26f-4dba-a829-253c83d1b387");
    private static readonly Guid DeviceIid = new("189819f1-1db6-4b57-be54-1821339b85f7");
    private static readonly Guid CommandQueueIid = new("0ec870a6-5d7e-4c22-8cfc-5baae07616ed");
    private static readonly Guid DmlDeviceIid = new("6dbd6437-96fd-423f-a98c-ae5e7c2a573f");

    private nint _device;
    private nint _queue;
    private nint _dmlDevice;

    private DirectMLDevice(int adapterIndex) => AdapterIndex = adapterIndex;

    /// <summary>The DXGI adapter index the device was made on (<see cref="InferenceOptions.DeviceId"/>).</summary>
    public int AdapterIndex { get; }

    /// <summary>The ID3D12Device; 0 after disposal.</summary>
    public nint Device => _device;

    /// <summary>The ID3D12CommandQueue (compute) the DirectML provider and the shared fences use; 0 after disposal.</summary>
    public nint Queue => _queue;

    /// <summary>Creates the device on DXGI adapter <paramref name="adapterIndex"/>, its compute queue and the DirectML device.</summary>
    /// <exception cref="RealtimeGenException">Not Windows, D3D12/DirectML/the provider missing, no such adapter, or a call failed.</exception>
    public static DirectMLDevice Create(int adapterIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(adapterIndex);
        DirectMLRuntime.Require();
        var device = new DirectMLDevice(adapterIndex);
        try
        {
            device.CreateObjects();
            return device;
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>Adds the DirectML provider on this device and queue to a session's options
    /// (<c>OrtDmlApi::SessionOptionsAppendExecutionProvider_DML1</c>).</summary>
    public void AppendExecutionProvider(SessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(_dmlDevice == 0, this);
        OrtDirectMLApi.AppendExecutionProvider(options, _dmlDevice, _queue);
    }

    /// <summary>Releases the DirectML device, the queue and the D3D12 device.</summary>
    public void Dispose()
    {
        Release(ref _dmlDevice);
        Release(ref _queue);
        Release(ref _device);
    }

    /// <summary>Throws unless <paramref name="hresult"/> is a success code, naming <paramref name="call"/>.</summary>
    internal static void Check(int hresult, string call)
    {
        if (hresult < 0)
        {
            throw new RealtimeGenException($"{call} failed with HRESULT 0x{hresult:X8}.");
        }
    }

    /// <summary>The function pointer in vtable <paramref name="slot"/> of a COM object.</summary>
    internal static nint Slot(nint comObject, int slot) => (*(nint**)comObject)[slot];

    /// <summary>Releases a COM reference and clears it.</summary>
    internal static void Release(ref nint comObject)
    {
        if (comObject != 0)
        {
            _ = ((delegate* unmanaged<nint, uint>)Slot(comObject, ReleaseSlot))(comObject);
            comObject = 0;
        }
    }

    private void CreateObjects()
    {
        Guid iid = FactoryIid;
        nint factory;
        Check(CreateDXGIFactory1(&iid, &factory), "CreateDXGIFactory1");
        nint adapter = 0;
        try
        {
            int found = ((delegate* unmanaged<nint, uint, nint*, int>)Slot(factory, FactoryEnumAdapters1Slot))(factory, (uint)AdapterIndex, &adapter);
            if (found == DxgiErrorNotFound)
            {
                throw new RealtimeGenException(
                    $"InferenceOptions.DeviceId {AdapterIndex}: expected the index of a DXGI adapter; this machine has fewer adapters.");
            }

            Check(found, "IDXGIFactory1::EnumAdapters1");
            iid = DeviceIid;
            nint device;
            Check(D3D12CreateDevice(adapter, FeatureLevel11, &iid, &device), $"D3D12CreateDevice (adapter {AdapterIndex}, feature level 11.0)");
            _device = device;
        }
        finally
        {
            Release(ref adapter);
            Release(ref factory);
        }

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
    }

    [LibraryImport("dxgi.dll")]
    private static partial int CreateDXGIFactory1(Guid* riid, nint* factory);

    [LibraryImport("d3d12.dll")]
    private static partial int D3D12CreateDevice(nint adapter, int minimumFeatureLevel, Guid* riid, nint* device);

    [LibraryImport("DirectML.dll")]
    private static partial int DMLCreateDevice(nint d3d12Device, int flags, Guid* riid, nint* device);
}
