using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>
/// A GL memory object (GL_EXT_memory_object) over memory another API allocated and exported. Owns the GL name;
/// textures and buffers made from it keep it alive, so it and they can be disposed in any order.
/// </summary>
/// <remarks>
/// Create, use and dispose on the GL thread. The GL name is deleted when the owner has disposed it and every
/// <see cref="GlExternalTexture"/> / <see cref="GlExternalBuffer"/> over it is disposed too.
/// </remarks>
public sealed class GlMemoryObject : IDisposable
{
    private readonly GlExternalMemorySupport _support;
    private readonly GlThread _glThread = GlThread.Current;
    private uint _name;
    private int _references = 1;
    private bool _ownerReleased;

    private GlMemoryObject(GlExternalMemorySupport support, uint name, ulong size, bool dedicated)
    {
        _support = support;
        _name = name;
        Size = size;
        IsDedicated = dedicated;
    }

    /// <summary>The GL memory object name; 0 once deleted.</summary>
    public uint Name => _name;

    /// <summary>Size in bytes of the imported memory.</summary>
    public ulong Size { get; }

    /// <summary>Whether the memory was allocated for exactly one image or buffer (GL_DEDICATED_MEMORY_OBJECT_EXT).</summary>
    public bool IsDedicated { get; }

    internal GlExternalMemorySupport Support => _support;

    /// <summary>
    /// Imports memory exported as a POSIX fd (Vulkan's opaque fd). On success GL owns <paramref name="fd"/>; on
    /// failure it is closed here, so the caller never closes it.
    /// </summary>
    /// <param name="support">Capabilities of the current context.</param>
    /// <param name="fd">The exported descriptor.</param>
    /// <param name="size">Size of the exported allocation in bytes (the exporter's allocation size).</param>
    /// <param name="dedicated">Whether the exporter made a dedicated allocation; must match it.</param>
    /// <exception cref="RealtimeGenException">The context lacks GL_EXT_memory_object(_fd), or the driver rejected the import.</exception>
    public static unsafe GlMemoryObject ImportFd(GlExternalMemorySupport support, int fd, ulong size, bool dedicated)
    {
        ArgumentNullException.ThrowIfNull(support);
        try
        {
            ArgumentOutOfRangeException.ThrowIfNegative(fd);
            ArgumentOutOfRangeException.ThrowIfZero(size);
            support.RequireMemoryImport(ExternalHandleKind.OpaqueFd);
        }
        catch
        {
            PosixFile.Close(fd);
            throw;
        }

        uint name = Create(support, dedicated);
        GlErrors.Drain(support.Gl);
        support.Api.ImportMemoryFd(name, size, GlExternalObjectsApi.HandleTypeOpaqueFd, fd);
        var error = GlErrors.Take(support.Gl);
        if (error != Silk.NET.OpenGL.GLEnum.NoError)
        {
            support.Api.DeleteMemoryObjects(1, &name);
            PosixFile.Close(fd);
            throw new RealtimeGenException(
                $"glImportMemoryFdEXT rejected fd {fd} ({size} bytes, dedicated {dedicated}) with {error} on '{support.Renderer}'. " +
                "The exporter must run on the same device and driver as GL (compare device UUIDs) and the size must be the allocation size.");
        }

        return new GlMemoryObject(support, name, size, dedicated);
    }

    /// <summary>
    /// Imports memory exported as an NT handle (Vulkan opaque Win32, or a shared D3D12 resource). GL does not take
    /// ownership of the handle: the caller closes it after this returns.
    /// </summary>
    /// <exception cref="RealtimeGenException">The context lacks GL_EXT_memory_object(_win32), or the driver rejected the import.</exception>
    public static unsafe GlMemoryObject ImportWin32(GlExternalMemorySupport support, nint handle, ulong size, ExternalHandleKind kind, bool dedicated)
    {
        ArgumentNullException.ThrowIfNull(support);
        ArgumentOutOfRangeException.ThrowIfZero(size);
        if (kind == ExternalHandleKind.OpaqueFd)
        {
            throw new ArgumentException("An fd is imported with ImportFd.", nameof(kind));
        }

        if (handle == 0)
        {
            throw new ArgumentException("The NT handle is null.", nameof(handle));
        }

        support.RequireMemoryImport(kind);
        uint name = Create(support, dedicated);
        int handleType = kind == ExternalHandleKind.D3D12Resource
            ? GlExternalObjectsApi.HandleTypeD3D12Resource
            : GlExternalObjectsApi.HandleTypeOpaqueWin32;
        GlErrors.Drain(support.Gl);
        support.Api.ImportMemoryWin32Handle(name, size, handleType, handle);
        var error = GlErrors.Take(support.Gl);
        if (error != Silk.NET.OpenGL.GLEnum.NoError)
        {
            support.Api.DeleteMemoryObjects(1, &name);
            throw new RealtimeGenException(
                $"glImportMemoryWin32HandleEXT rejected the {kind} handle ({size} bytes) with {error} on '{support.Renderer}'.");
        }

        return new GlMemoryObject(support, name, size, dedicated);
    }

    /// <summary>Gives up the owner's reference; the GL name goes once no texture or buffer uses it.</summary>
    public void Dispose()
    {
        if (_ownerReleased || _name == 0 || !_glThread.CheckDisposeThread(nameof(GlMemoryObject)))
        {
            return;
        }

        _ownerReleased = true;
        Release();
    }

    internal void Retain()
    {
        ObjectDisposedException.ThrowIf(_name == 0 || _ownerReleased, this);
        _references++;
    }

    internal unsafe void Release()
    {
        if (_name == 0 || --_references > 0)
        {
            return;
        }

        uint name = _name;
        _support.Api.DeleteMemoryObjects(1, &name);
        _name = 0;
    }

    private static unsafe uint Create(GlExternalMemorySupport support, bool dedicated)
    {
        uint name = 0;
        support.Api.CreateMemoryObjects(1, &name);
        if (dedicated)
        {
            // Must be set before the import: it describes the allocation being imported.
            int value = 1;
            support.Api.MemoryObjectParameteriv(name, GlExternalObjectsApi.DedicatedMemoryObject, &value);
        }

        return name;
    }
}
