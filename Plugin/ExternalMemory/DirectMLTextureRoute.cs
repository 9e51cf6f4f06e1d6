using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine;
using RealtimeGen.Engine.ExternalMemory;
using Silk.NET.OpenGL;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The DirectML route end to end (Windows): ONNX Runtime's DirectML provider writes the decoder's output into a
/// shared D3D12 buffer (<see cref="DecoderOutput"/>, bound with IOBinding); our queue signals a shared D3D12 fence;
/// GL imports the buffer (GL_EXT_memory_object_win32) and the fence (GL_EXT_semaphore_win32), waits for the fence on
/// the GPU and converts the output into the RGBA8 texture with <see cref="PlanarToRgbaPass"/>. No byte passes through
/// CPU memory and no CPU thread waits on the GPU. Owns every object it creates.
/// </summary>
/// <remarks>
/// Worker: <see cref="PlanarOutputRoute.TryBeginWrite"/>, run the decoder session (which must run on the same
/// <see cref="DirectMLDevice"/>, through <see cref="Inference.InferenceOptions.DirectMLDevice"/>) bound to <see cref="DecoderOutput"/>,
/// <see cref="PlanarOutputRoute.EndWrite"/> (queues the fence signal). Render thread: <see cref="PlanarOutputRoute.Latch"/>
/// (makes GL wait for the fence on the GPU, then converts). Compiled everywhere; <see cref="Create"/> fails
/// clearly off Windows or without the DirectML package, with nothing left allocated.
/// </remarks>
public sealed class DirectMLTextureRoute : PlanarOutputRoute
{
    private readonly D3D12SharedOutput _shared;
    private readonly GlMemoryObject _glMemory;
    private readonly GlExternalBuffer _glBuffer;
    private readonly GlSemaphore _fence;
    private readonly OrtValue _decoderOutput;
    private ulong _fenceValue;

    private DirectMLTextureRoute(GL gl, int width, int height, D3D12SharedOutput shared, GlMemoryObject glMemory, GlExternalBuffer glBuffer,
        GlSemaphore fence)
        : base(gl, width, height)
    {
        _shared = shared;
        _glMemory = glMemory;
        _glBuffer = glBuffer;
        _fence = fence;
        _decoderOutput = shared.FloatTensor([1, 3, height, width]);
    }

    /// <summary>The decoder output to bind with <c>OrtIoBinding.BindOutput</c>: [1, 3, height, width] floats in the shared D3D12 buffer.</summary>
    public override OrtValue DecoderOutput => _decoderOutput;

    /// <summary>The shared objects, on the device the decoder session must run on (<see cref="D3D12SharedOutput.Device"/>).</summary>
    public D3D12SharedOutput Shared => _shared;

    /// <inheritdoc/>
    protected override uint SourceBuffer => _glBuffer.Handle;

    /// <summary>Builds the route on the GL thread, its shared buffer and fence on <paramref name="device"/> (the device
    /// the decoder's session runs on; the caller owns it and disposes it after the route).</summary>
    /// <exception cref="RealtimeGenException">Not Windows, D3D12/DirectML/the provider missing, or GL lacks the win32 import extensions.</exception>
    public static DirectMLTextureRoute Create(GlExternalMemorySupport support, DirectMLDevice device, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        DirectMLRuntime.Require();
        support.RequireMemoryImport(ExternalHandleKind.D3D12Resource);
        ulong bytes = checked(3UL * (ulong)width * (ulong)height * sizeof(float));
        D3D12SharedOutput shared = D3D12SharedOutput.Create(device, bytes);
        GlMemoryObject? memory = null;
        GlExternalBuffer? buffer = null;
        GlSemaphore? fence = null;
        try
        {
            memory = GlMemoryObject.ImportWin32(support, shared.SharedBufferHandle, bytes, ExternalHandleKind.D3D12Resource, dedicated: true);
            buffer = GlExternalBuffer.Create(memory, bytes);
            fence = GlSemaphore.ImportWin32(support, shared.SharedFenceHandle, d3d12Fence: true);
            return new DirectMLTextureRoute(support.Gl, width, height, shared, memory, buffer, fence);
        }
        catch
        {
            fence?.Dispose();
            buffer?.Dispose();
            memory?.Dispose();
            shared.Dispose();
            throw;
        }
    }

    /// <summary>Worker: the decoder run has been queued; queues the fence signal after it.</summary>
    protected override void OnWriteEnded()
    {
        _fenceValue++;
        _shared.Signal(_fenceValue);
    }

    /// <summary>Render thread: GL waits on the GPU for the fence value of the last write; the CPU never waits.</summary>
    protected override void BeforeConversion()
    {
        _fence.SetD3D12FenceValue(_fenceValue);
        _fence.Wait(_glBuffer);
    }

    /// <inheritdoc/>
    protected override void DisposeShared()
    {
        _decoderOutput.Dispose();
        _fence.Dispose();
        _glBuffer.Dispose();
        _glMemory.Dispose();
        _shared.Dispose();
    }
}
