using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>
/// A semaphore shared with the producer's API (GL_EXT_semaphore): the producer signals it on its queue when a write
/// is done, GL waits for it on the GPU before sampling (<see cref="Wait(GlExternalTexture)"/>), and signals it back when done reading
/// (<see cref="Signal(GlExternalTexture)"/>); neither side blocks a CPU thread. Owns the GL name.
/// </summary>
/// <remarks>
/// Create, use and dispose on the GL thread. Drivers without GL_EXT_semaphore (Mesa's llvmpipe among them) use the
/// fence ordering of <see cref="ExternalMemoryTexture"/> instead; <see cref="ImportFd"/> then fails naming the
/// missing extension.
/// </remarks>
public sealed class GlSemaphore : IDisposable
{
    private readonly GlExternalMemorySupport _support;
    private readonly GlThread _glThread = GlThread.Current;
    private uint _name;

    private GlSemaphore(GlExternalMemorySupport support, uint name)
    {
        _support = support;
        _name = name;
    }

    /// <summary>The GL semaphore name; 0 after disposal.</summary>
    public uint Name => _name;

    /// <summary>Imports a semaphore exported as an opaque fd (VK_KHR_external_semaphore_fd); GL owns the fd on
    /// success, and it is closed here on failure.</summary>
    /// <exception cref="RealtimeGenException">GL_EXT_semaphore or GL_EXT_semaphore_fd is missing, or the import failed.</exception>
    public static unsafe GlSemaphore ImportFd(GlExternalMemorySupport support, int fd)
    {
        ArgumentNullException.ThrowIfNull(support);
        if (!support.CanImportSemaphore(ExternalHandleKind.OpaqueFd) || support.Api.ImportSemaphoreFd == null)
        {
            PosixFile.Close(fd);
            throw Missing(support, GlExternalMemorySupport.SemaphoreFdExtension);
        }

        uint name = 0;
        support.Api.GenSemaphores(1, &name);
        GlErrors.Drain(support.Gl);
        support.Api.ImportSemaphoreFd(name, GlExternalObjectsApi.HandleTypeOpaqueFd, fd);
        var error = GlErrors.Take(support.Gl);
        if (error != Silk.NET.OpenGL.GLEnum.NoError)
        {
            support.Api.DeleteSemaphores(1, &name);
            PosixFile.Close(fd);
            throw new RealtimeGenException($"glImportSemaphoreFdEXT rejected fd {fd} with {error} on '{support.Renderer}'.");
        }

        return new GlSemaphore(support, name);
    }

    /// <summary>Imports a D3D12 fence or Win32 semaphore by NT handle (GL_EXT_semaphore_win32); the caller keeps the handle.</summary>
    /// <exception cref="RealtimeGenException">GL_EXT_semaphore or GL_EXT_semaphore_win32 is missing, or the import failed.</exception>
    public static unsafe GlSemaphore ImportWin32(GlExternalMemorySupport support, nint handle, bool d3d12Fence)
    {
        ArgumentNullException.ThrowIfNull(support);
        if (handle == 0)
        {
            throw new ArgumentException("The NT handle is null.", nameof(handle));
        }

        if (!support.CanImportSemaphore(ExternalHandleKind.OpaqueWin32) || support.Api.ImportSemaphoreWin32Handle == null)
        {
            throw Missing(support, GlExternalMemorySupport.SemaphoreWin32Extension);
        }

        uint name = 0;
        support.Api.GenSemaphores(1, &name);
        GlErrors.Drain(support.Gl);
        support.Api.ImportSemaphoreWin32Handle(name,
            d3d12Fence ? GlExternalObjectsApi.HandleTypeD3D12Fence : GlExternalObjectsApi.HandleTypeOpaqueWin32, handle);
        var error = GlErrors.Take(support.Gl);
        if (error != Silk.NET.OpenGL.GLEnum.NoError)
        {
            support.Api.DeleteSemaphores(1, &name);
            throw new RealtimeGenException($"glImportSemaphoreWin32HandleEXT rejected the handle with {error} on '{support.Renderer}'.");
        }

        return new GlSemaphore(support, name);
    }

    /// <summary>
    /// For a semaphore imported from a D3D12 fence: the fence value the next <see cref="Wait(GlExternalTexture)"/> waits for or the next
    /// <see cref="Signal(GlExternalTexture)"/> sets (GL_D3D12_FENCE_VALUE_EXT).
    /// </summary>
    public unsafe void SetD3D12FenceValue(ulong value)
    {
        ObjectDisposedException.ThrowIf(_name == 0, this);
        if (_support.Api.SemaphoreParameterui64v == null)
        {
            throw new RealtimeGenException($"The GL driver '{_support.Renderer}' has no glSemaphoreParameterui64vEXT (GL_EXT_semaphore).");
        }

        _support.Api.SemaphoreParameterui64v(_name, GlExternalObjectsApi.D3D12FenceValue, &value);
    }

    /// <summary>Makes GL's later commands wait (on the GPU) until the producer signalled; the texture moves to the
    /// layout the producer left it in (general).</summary>
    public unsafe void Wait(GlExternalTexture texture)
    {
        ArgumentNullException.ThrowIfNull(texture);
        ObjectDisposedException.ThrowIf(_name == 0, this);
        uint handle = texture.Handle;
        int layout = GlExternalObjectsApi.LayoutGeneral;
        _support.Api.WaitSemaphore(_name, 0, null, 1, &handle, &layout);
    }

    /// <summary>Signals the producer once GL's earlier commands on <paramref name="texture"/> are done.</summary>
    public unsafe void Signal(GlExternalTexture texture)
    {
        ArgumentNullException.ThrowIfNull(texture);
        ObjectDisposedException.ThrowIf(_name == 0, this);
        uint handle = texture.Handle;
        int layout = GlExternalObjectsApi.LayoutGeneral;
        _support.Api.SignalSemaphore(_name, 0, null, 1, &handle, &layout);
    }

    /// <summary>Makes GL's later commands wait (on the GPU) until the producer signalled, before reading <paramref name="buffer"/>.</summary>
    public unsafe void Wait(GlExternalBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ObjectDisposedException.ThrowIf(_name == 0, this);
        uint handle = buffer.Handle;
        _support.Api.WaitSemaphore(_name, 1, &handle, 0, null, null);
    }

    /// <summary>Signals the producer once GL's earlier commands reading <paramref name="buffer"/> are done.</summary>
    public unsafe void Signal(GlExternalBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ObjectDisposedException.ThrowIf(_name == 0, this);
        uint handle = buffer.Handle;
        _support.Api.SignalSemaphore(_name, 1, &handle, 0, null, null);
    }

    /// <summary>Deletes the semaphore; call on the GL thread.</summary>
    public unsafe void Dispose()
    {
        if (_name == 0 || !_glThread.CheckDisposeThread(nameof(GlSemaphore)))
        {
            return;
        }

        uint name = _name;
        _support.Api.DeleteSemaphores(1, &name);
        _name = 0;
    }

    private static RealtimeGenException Missing(GlExternalMemorySupport support, string handleExtension)
    {
        var missing = new List<string>(2);
        if (!support.HasSemaphores)
        {
            missing.Add(GlExternalMemorySupport.SemaphoreExtension);
        }

        if (!support.HasExtension(handleExtension))
        {
            missing.Add(handleExtension);
        }

        return new RealtimeGenException(
            $"The GL driver '{support.Renderer}' cannot import semaphores: it lacks {string.Join(" and ", missing)}. " +
            "Ordering falls back to GL fences polled by the render thread (ExternalMemoryTexture).");
    }
}
