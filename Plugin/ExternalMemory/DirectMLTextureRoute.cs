using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Engine.Rendering;
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
/// Worker: <see cref="TryBeginWrite"/>, run the decoder session (whose options got
/// <see cref="D3D12SharedOutput.AppendExecutionProvider"/>) bound to <see cref="DecoderOutput"/>, <see cref="EndWrite"/>
/// (queues the fence signal). Render thread: <see cref="Latch"/>. Compiled everywhere; <see cref="Create"/> fails
/// clearly off Windows or without the DirectML package, with nothing left allocated.
/// </remarks>
public sealed class DirectMLTextureRoute : IDisposable
{
    private const int Free = 0;
    private const int Writing = 1;
    private const int Written = 2;
    private const int Converting = 3;

    private readonly GL _gl;
    private readonly D3D12SharedOutput _shared;
    private readonly GlMemoryObject _glMemory;
    private readonly GlExternalBuffer _glBuffer;
    private readonly GlSemaphore _fence;
    private readonly Texture2D _texture;
    private readonly PlanarToRgbaPass _pass;
    private ulong _fenceValue;
    private int _state;
    private nint _glFence;

    private DirectMLTextureRoute(GL gl, D3D12SharedOutput shared, GlMemoryObject glMemory, GlExternalBuffer glBuffer,
        GlSemaphore fence, Texture2D texture, PlanarToRgbaPass pass)
    {
        _gl = gl;
        _shared = shared;
        _glMemory = glMemory;
        _glBuffer = glBuffer;
        _fence = fence;
        _texture = texture;
        _pass = pass;
        DecoderOutput = shared.FloatTensor([1, 3, texture.Height, texture.Width]);
    }

    /// <summary>The decoder output to bind with <c>OrtIoBinding.BindOutput</c>: [1, 3, height, width] floats in the shared D3D12 buffer.</summary>
    public OrtValue DecoderOutput { get; }

    /// <summary>The shared objects; their <see cref="D3D12SharedOutput.AppendExecutionProvider"/> sets up the decoder session.</summary>
    public D3D12SharedOutput Shared => _shared;

    /// <summary>The RGBA8 texture to sample.</summary>
    public uint TextureHandle => _texture.Handle;

    /// <summary>Builds the route on the GL thread.</summary>
    /// <exception cref="RealtimeGenException">Not Windows, D3D12/DirectML/the provider missing, or GL lacks the win32 import extensions.</exception>
    public static DirectMLTextureRoute Create(GlExternalMemorySupport support, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(support);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        DirectMLRuntime.Require();
        support.RequireMemoryImport(ExternalHandleKind.D3D12Resource);
        ulong bytes = checked(3UL * (ulong)width * (ulong)height * sizeof(float));
        D3D12SharedOutput shared = D3D12SharedOutput.Create(bytes);
        GlMemoryObject? memory = null;
        GlExternalBuffer? buffer = null;
        GlSemaphore? fence = null;
        Texture2D? texture = null;
        try
        {
            memory = GlMemoryObject.ImportWin32(support, shared.SharedBufferHandle, bytes, ExternalHandleKind.D3D12Resource, dedicated: true);
            buffer = GlExternalBuffer.Create(memory, bytes);
            fence = GlSemaphore.ImportWin32(support, shared.SharedFenceHandle, d3d12Fence: true);
            texture = new Texture2D(support.Gl, width, height, mipLevels: 1);
            return new DirectMLTextureRoute(support.Gl, shared, memory, buffer, fence, texture, new PlanarToRgbaPass(support.Gl));
        }
        catch
        {
            texture?.Dispose();
            fence?.Dispose();
            buffer?.Dispose();
            memory?.Dispose();
            shared.Dispose();
            throw;
        }
    }

    /// <summary>Worker: true when the shared output may be written (GL finished converting the previous one).</summary>
    public bool TryBeginWrite() => Interlocked.CompareExchange(ref _state, Writing, Free) == Free;

    /// <summary>Worker: the decoder run has been queued; queues the fence signal after it and publishes.</summary>
    public void EndWrite()
    {
        if (Volatile.Read(ref _state) != Writing)
        {
            throw new InvalidOperationException("EndWrite without a successful TryBeginWrite.");
        }

        _fenceValue++;
        _shared.Signal(_fenceValue);
        Volatile.Write(ref _state, Written);
    }

    /// <summary>Render thread, once per frame: makes GL wait on the GPU for the fence, then converts. Never waits on the CPU.</summary>
    public bool Latch()
    {
        int state = Volatile.Read(ref _state);
        if (state == Converting)
        {
            GLEnum status = _gl.ClientWaitSync(_glFence, SyncObjectMask.Bit, 0);
            if (status is GLEnum.AlreadySignaled or GLEnum.ConditionSatisfied)
            {
                _gl.DeleteSync(_glFence);
                _glFence = 0;
                Volatile.Write(ref _state, Free);
            }

            return false;
        }

        if (state != Written)
        {
            return false;
        }

        _fence.SetD3D12FenceValue(_fenceValue);
        _fence.Wait(_glBuffer);
        _pass.Run(_glBuffer.Handle, _texture);
        _glFence = _gl.FenceSync(SyncCondition.SyncGpuCommandsComplete, SyncBehaviorFlags.None);
        Volatile.Write(ref _state, Converting);
        return true;
    }

    /// <summary>Releases GL objects, then the D3D12 objects; call on the GL thread after the worker stopped.</summary>
    public void Dispose()
    {
        if (_glFence != 0)
        {
            _gl.DeleteSync(_glFence);
            _glFence = 0;
        }

        _pass.Dispose();
        _texture.Dispose();
        _fence.Dispose();
        _glBuffer.Dispose();
        _glMemory.Dispose();
        _shared.Dispose();
    }
}
