using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>
/// Entry points of GL_EXT_memory_object, GL_EXT_semaphore and their _fd/_win32 companions, loaded from the
/// current context. Silk.NET.OpenGL has no bindings for them, so they are resolved by name; an entry the driver
/// lacks stays null and <see cref="GlExternalMemorySupport"/> reports the extension as missing.
/// </summary>
internal sealed unsafe class GlExternalObjectsApi
{
    // Enumerants from the EXT_external_objects family (registry values).
    public const int TextureTiling = 0x9580;
    public const int DedicatedMemoryObject = 0x9581;
    public const int LinearTiling = 0x9585;
    public const int OptimalTiling = 0x9584;
    public const int HandleTypeOpaqueFd = 0x9586;
    public const int HandleTypeOpaqueWin32 = 0x9587;
    public const int HandleTypeD3D12Resource = 0x958A;
    public const int HandleTypeD3D12Fence = 0x9594;
    public const int D3D12FenceValue = 0x9595;
    public const int NumDeviceUuids = 0x9596;
    public const int DeviceUuid = 0x9597;
    public const int DriverUuid = 0x9598;
    public const int LayoutGeneral = 0x958D;
    public const int LayoutShaderReadOnlyOptimal = 0x9591;
    public const int UuidSize = 16;

    private GlExternalObjectsApi(GL gl)
    {
        CreateMemoryObjects = (delegate* unmanaged<int, uint*, void>)Load(gl, "glCreateMemoryObjectsEXT");
        DeleteMemoryObjects = (delegate* unmanaged<int, uint*, void>)Load(gl, "glDeleteMemoryObjectsEXT");
        IsMemoryObject = (delegate* unmanaged<uint, byte>)Load(gl, "glIsMemoryObjectEXT");
        MemoryObjectParameteriv = (delegate* unmanaged<uint, int, int*, void>)Load(gl, "glMemoryObjectParameterivEXT");
        TextureStorageMem2D = (delegate* unmanaged<uint, int, int, int, int, uint, ulong, void>)Load(gl, "glTextureStorageMem2DEXT");
        NamedBufferStorageMem = (delegate* unmanaged<uint, nint, uint, ulong, void>)Load(gl, "glNamedBufferStorageMemEXT");
        GetUnsignedBytev = (delegate* unmanaged<int, byte*, void>)Load(gl, "glGetUnsignedBytevEXT");
        GetUnsignedBytei = (delegate* unmanaged<int, uint, byte*, void>)Load(gl, "glGetUnsignedBytei_vEXT");
        ImportMemoryFd = (delegate* unmanaged<uint, ulong, int, int, void>)Load(gl, "glImportMemoryFdEXT");
        ImportMemoryWin32Handle = (delegate* unmanaged<uint, ulong, int, nint, void>)Load(gl, "glImportMemoryWin32HandleEXT");
        GenSemaphores = (delegate* unmanaged<int, uint*, void>)Load(gl, "glGenSemaphoresEXT");
        DeleteSemaphores = (delegate* unmanaged<int, uint*, void>)Load(gl, "glDeleteSemaphoresEXT");
        IsSemaphore = (delegate* unmanaged<uint, byte>)Load(gl, "glIsSemaphoreEXT");
        ImportSemaphoreFd = (delegate* unmanaged<uint, int, int, void>)Load(gl, "glImportSemaphoreFdEXT");
        ImportSemaphoreWin32Handle = (delegate* unmanaged<uint, int, nint, void>)Load(gl, "glImportSemaphoreWin32HandleEXT");
        WaitSemaphore = (delegate* unmanaged<uint, uint, uint*, uint, uint*, int*, void>)Load(gl, "glWaitSemaphoreEXT");
        SignalSemaphore = (delegate* unmanaged<uint, uint, uint*, uint, uint*, int*, void>)Load(gl, "glSignalSemaphoreEXT");
        SemaphoreParameterui64v = (delegate* unmanaged<uint, int, ulong*, void>)Load(gl, "glSemaphoreParameterui64vEXT");
    }

    public delegate* unmanaged<int, uint*, void> CreateMemoryObjects { get; }

    public delegate* unmanaged<int, uint*, void> DeleteMemoryObjects { get; }

    public delegate* unmanaged<uint, byte> IsMemoryObject { get; }

    public delegate* unmanaged<uint, int, int*, void> MemoryObjectParameteriv { get; }

    public delegate* unmanaged<uint, int, int, int, int, uint, ulong, void> TextureStorageMem2D { get; }

    public delegate* unmanaged<uint, nint, uint, ulong, void> NamedBufferStorageMem { get; }

    public delegate* unmanaged<int, byte*, void> GetUnsignedBytev { get; }

    public delegate* unmanaged<int, uint, byte*, void> GetUnsignedBytei { get; }

    public delegate* unmanaged<uint, ulong, int, int, void> ImportMemoryFd { get; }

    public delegate* unmanaged<uint, ulong, int, nint, void> ImportMemoryWin32Handle { get; }

    public delegate* unmanaged<int, uint*, void> GenSemaphores { get; }

    public delegate* unmanaged<int, uint*, void> DeleteSemaphores { get; }

    public delegate* unmanaged<uint, byte> IsSemaphore { get; }

    public delegate* unmanaged<uint, int, int, void> ImportSemaphoreFd { get; }

    public delegate* unmanaged<uint, int, nint, void> ImportSemaphoreWin32Handle { get; }

    public delegate* unmanaged<uint, uint, uint*, uint, uint*, int*, void> WaitSemaphore { get; }

    public delegate* unmanaged<uint, uint, uint*, uint, uint*, int*, void> SignalSemaphore { get; }

    public delegate* unmanaged<uint, int, ulong*, void> SemaphoreParameterui64v { get; }

    /// <summary>True when every entry point of GL_EXT_memory_object that this code calls resolved.</summary>
    public bool HasMemoryObjectEntryPoints =>
        CreateMemoryObjects != null && DeleteMemoryObjects != null && IsMemoryObject != null &&
        MemoryObjectParameteriv != null && TextureStorageMem2D != null && NamedBufferStorageMem != null &&
        GetUnsignedBytev != null && GetUnsignedBytei != null;

    /// <summary>True when every entry point of GL_EXT_semaphore that this code calls resolved.</summary>
    public bool HasSemaphoreEntryPoints =>
        GenSemaphores != null && DeleteSemaphores != null && IsSemaphore != null && WaitSemaphore != null && SignalSemaphore != null;

    /// <summary>Loads the entry points through the context's own loader; call with the context current.</summary>
    public static GlExternalObjectsApi Load(GL gl)
    {
        ArgumentNullException.ThrowIfNull(gl);
        return new GlExternalObjectsApi(gl);
    }

    private static nint Load(GL gl, string name) =>
        gl.Context.TryGetProcAddress(name, out nint address) ? address : 0;
}
