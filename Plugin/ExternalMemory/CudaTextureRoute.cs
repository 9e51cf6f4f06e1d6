using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine;
using RealtimeGen.Engine.ExternalMemory;
using Silk.NET.OpenGL;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The CUDA route end to end: one exportable Vulkan buffer holds the decoder's output (planar float RGB); CUDA
/// imports it and ONNX Runtime's CUDA provider writes there through IOBinding (<see cref="DecoderOutput"/>); GL
/// imports it as a buffer and <see cref="PlanarToRgbaPass"/> turns it into the RGBA8 texture the renderer samples.
/// No byte passes through CPU memory. Owns every object it creates.
/// </summary>
/// <remarks>
/// <para>Worker: <see cref="PlanarOutputRoute.TryBeginWrite"/>, run the decoder bound to <see cref="DecoderOutput"/> (the
/// run returns once CUDA finished writing), <see cref="PlanarOutputRoute.EndWrite"/>. Render thread:
/// <see cref="PlanarOutputRoute.Latch"/> converts a written output and fences the conversion; the worker may write again
/// once that fence signalled (polled, never waited for).</para>
/// <para>Needs an NVIDIA GPU whose CUDA, Vulkan and GL drivers share the device, and a GL that can back a buffer with
/// imported memory. Compiled everywhere; <see cref="Create"/> fails clearly elsewhere, with nothing left allocated.</para>
/// </remarks>
public sealed class CudaTextureRoute : PlanarOutputRoute
{
    private readonly VulkanExportedBuffer _shared;
    private readonly GlMemoryObject _glMemory;
    private readonly GlExternalBuffer _glBuffer;
    private readonly CudaExternalMemory _cuda;
    private readonly OrtValue _decoderOutput;

    private CudaTextureRoute(GL gl, int width, int height, VulkanExportedBuffer shared, GlMemoryObject glMemory, GlExternalBuffer glBuffer,
        CudaExternalMemory cuda)
        : base(gl, width, height)
    {
        _shared = shared;
        _glMemory = glMemory;
        _glBuffer = glBuffer;
        _cuda = cuda;
        _decoderOutput = cuda.FloatTensor([1, 3, height, width]);
    }

    /// <summary>The decoder output to bind with <c>OrtIoBinding.BindOutput</c>: [1, 3, height, width] floats on the CUDA device.</summary>
    public override OrtValue DecoderOutput => _decoderOutput;

    /// <inheritdoc/>
    protected override uint SourceBuffer => _glBuffer.Handle;

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
        try
        {
            glMemory = ImportIntoGl(selection.GlSupport, shared);
            glBuffer = GlExternalBuffer.Create(glMemory, bytes);
            cuda = ImportIntoCuda(shared, selection.DeviceId);
            return new CudaTextureRoute(gl, width, height, shared, glMemory, glBuffer, cuda);
        }
        catch
        {
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

    private static CudaExternalMemory ImportIntoCuda(VulkanExportedBuffer shared, int deviceId)
    {
        if (VulkanExternalMemoryDevice.HandleKind == ExternalHandleKind.OpaqueFd)
        {
            return CudaExternalMemory.ImportFd(shared.ExportFd(), shared.AllocationSize, dedicated: true, deviceId);
        }

        nint handle = shared.ExportWin32Handle();
        try
        {
            return CudaExternalMemory.ImportWin32(handle, shared.AllocationSize, dedicated: true, deviceId);
        }
        finally
        {
            NtHandle.Close(handle);
        }
    }

    /// <inheritdoc/>
    protected override void DisposeShared()
    {
        _decoderOutput.Dispose();
        _cuda.Dispose();
        _glBuffer.Dispose();
        _glMemory.Dispose();
        _shared.Dispose();
    }
}
