using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Engine.Rendering;
using Silk.NET.OpenGL;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The CUDA route end to end: one exportable Vulkan buffer holds the decoder's output (planar float RGB); CUDA
/// imports it and ONNX Runtime's CUDA provider writes there through IOBinding (<see cref="DecoderOutput"/>); GL
/// imports it as a buffer and <see cref="PlanarToRgbaPass"/> turns it into the RGBA8 texture the renderer samples.
/// No byte passes through CPU memory. Owns every object it creates.
/// </summary>
/// <remarks>
/// <para>Worker: <see cref="TryBeginWrite"/>, run the decoder bound to <see cref="DecoderOutput"/> (the run returns
/// once CUDA finished writing), <see cref="EndWrite"/>. Render thread: <see cref="Latch"/> converts a written output
/// and fences the conversion; the worker may write again once that fence signalled (polled, never waited for).</para>
/// <para>Needs an NVIDIA GPU whose CUDA, Vulkan and GL drivers share the device, and a GL that can back a buffer with
/// imported memory. Compiled everywhere; <see cref="Create"/> fails clearly elsewhere, with nothing left allocated.</para>
/// </remarks>
public sealed class CudaTextureRoute : IDisposable
{
    private const int Free = 0;
    private const int Writing = 1;
    private const int Written = 2;
    private const int Converting = 3;

    private readonly GL _gl;
    private readonly VulkanExportedBuffer _shared;
    private readonly GlMemoryObject _glMemory;
    private readonly GlExternalBuffer _glBuffer;
    private readonly CudaExternalMemory _cuda;
    private readonly Texture2D _texture;
    private readonly PlanarToRgbaPass _pass;
    private int _state;
    private nint _fence;
    private long _frames;

    private CudaTextureRoute(GL gl, VulkanExportedBuffer shared, GlMemoryObject glMemory, GlExternalBuffer glBuffer,
        CudaExternalMemory cuda, Texture2D texture, PlanarToRgbaPass pass)
    {
        _gl = gl;
        _shared = shared;
        _glMemory = glMemory;
        _glBuffer = glBuffer;
        _cuda = cuda;
        _texture = texture;
        _pass = pass;
        DecoderOutput = cuda.FloatTensor([1, 3, texture.Height, texture.Width]);
    }

    /// <summary>The decoder output to bind with <c>OrtIoBinding.BindOutput</c>: [1, 3, height, width] floats on the CUDA device.</summary>
    public OrtValue DecoderOutput { get; }

    /// <summary>The RGBA8 texture to sample.</summary>
    public uint TextureHandle => _texture.Handle;

    /// <summary>Frames converted so far.</summary>
    public long FrameNumber => _frames;

    /// <summary>Builds the route on the GL thread; fails before allocating anything where CUDA is missing.</summary>
    /// <exception cref="RealtimeGenException">No CUDA runtime or device, no Vulkan device shared with GL, or a GL that cannot back a buffer with imported memory.</exception>
    public static CudaTextureRoute Create(TextureSinkSelection selection, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        CudaRuntime.Require();
        if (selection.GlSupport is null || selection.Vulkan is null)
        {
            throw new RealtimeGenException($"The CUDA route needs a selection with a Vulkan device; this one is {selection.Kind} ({selection.Reason}).");
        }

        GL gl = selection.GlSupport.Gl;
        ulong bytes = checked(3UL * (ulong)width * (ulong)height * sizeof(float));
        VulkanExportedBuffer shared = selection.Vulkan.CreateBuffer(bytes);
        GlMemoryObject? glMemory = null;
        GlExternalBuffer? glBuffer = null;
        CudaExternalMemory? cuda = null;
        Texture2D? texture = null;
        try
        {
            glMemory = ImportIntoGl(selection.GlSupport, shared);
            glBuffer = GlExternalBuffer.Create(glMemory, bytes);
            cuda = ImportIntoCuda(shared);
            texture = new Texture2D(gl, width, height, mipLevels: 1);
            return new CudaTextureRoute(gl, shared, glMemory, glBuffer, cuda, texture, new PlanarToRgbaPass(gl));
        }
        catch
        {
            texture?.Dispose();
            cuda?.Dispose();
            glBuffer?.Dispose();
            glMemory?.Dispose();
            shared.Dispose();
            throw;
        }
    }

    private static GlMemoryObject ImportIntoGl(GlExternalMemorySupport support, VulkanExportedBuffer shared)
    {
        if (VulkanExternalMemoryDevice.HandleKind == ExternalHandleKind.OpaqueFd)
        {
            return GlMemoryObject.ImportFd(support, shared.ExportFd(), shared.AllocationSize, dedicated: true);
        }

        nint handle = shared.ExportWin32Handle();
        try
        {
            return GlMemoryObject.ImportWin32(support, handle, shared.AllocationSize, ExternalHandleKind.OpaqueWin32, dedicated: true);
        }
        finally
        {
            NtHandle.Close(handle);
        }
    }

    private static CudaExternalMemory ImportIntoCuda(VulkanExportedBuffer shared)
    {
        if (VulkanExternalMemoryDevice.HandleKind == ExternalHandleKind.OpaqueFd)
        {
            return CudaExternalMemory.ImportFd(shared.ExportFd(), shared.AllocationSize, dedicated: true);
        }

        nint handle = shared.ExportWin32Handle();
        try
        {
            return CudaExternalMemory.ImportWin32(handle, shared.AllocationSize, dedicated: true);
        }
        finally
        {
            NtHandle.Close(handle);
        }
    }

    /// <summary>Worker: true when the shared output may be written (GL finished converting the previous one).</summary>
    public bool TryBeginWrite() => Interlocked.CompareExchange(ref _state, Writing, Free) == Free;

    /// <summary>Worker: the decoder run bound to <see cref="DecoderOutput"/> has returned; publish its output.</summary>
    public void EndWrite()
    {
        if (Interlocked.CompareExchange(ref _state, Written, Writing) != Writing)
        {
            throw new InvalidOperationException("EndWrite without a successful TryBeginWrite.");
        }
    }

    /// <summary>Render thread, once per frame: converts a newly written output into the texture. Never waits.</summary>
    public bool Latch()
    {
        int state = Volatile.Read(ref _state);
        if (state == Converting)
        {
            GLEnum status = _gl.ClientWaitSync(_fence, SyncObjectMask.Bit, 0);
            if (status is GLEnum.AlreadySignaled or GLEnum.ConditionSatisfied)
            {
                _gl.DeleteSync(_fence);
                _fence = 0;
                Volatile.Write(ref _state, Free);
            }

            return false;
        }

        if (state != Written)
        {
            return false;
        }

        _pass.Run(_glBuffer.Handle, _texture);
        _fence = _gl.FenceSync(SyncCondition.SyncGpuCommandsComplete, SyncBehaviorFlags.None);
        _frames++;
        Volatile.Write(ref _state, Converting);
        return true;
    }

    /// <summary>Releases GL objects, the CUDA import and the Vulkan buffer; call on the GL thread after the worker stopped.</summary>
    public void Dispose()
    {
        if (_fence != 0)
        {
            _gl.DeleteSync(_fence);
            _fence = 0;
        }

        _pass.Dispose();
        _texture.Dispose();
        _cuda.Dispose();
        _glBuffer.Dispose();
        _glMemory.Dispose();
        _shared.Dispose();
    }
}
