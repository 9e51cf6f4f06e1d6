using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>
/// What the current GL context offers for importing memory and semaphores from another API
/// (GL_EXT_memory_object, GL_EXT_semaphore and their _fd / _win32 handle extensions), and the UUIDs that
/// say which device and driver GL runs on, which the exporter must match.
/// </summary>
/// <remarks>Query on the GL thread with the context current; the instance then belongs to that context.</remarks>
public sealed class GlExternalMemorySupport
{
    /// <summary>Extension that provides memory objects and storage from them.</summary>
    public const string MemoryObjectExtension = "GL_EXT_memory_object";

    /// <summary>Extension that imports memory as a POSIX fd.</summary>
    public const string MemoryObjectFdExtension = "GL_EXT_memory_object_fd";

    /// <summary>Extension that imports memory as an NT handle.</summary>
    public const string MemoryObjectWin32Extension = "GL_EXT_memory_object_win32";

    /// <summary>Extension that provides semaphores shared with another API.</summary>
    public const string SemaphoreExtension = "GL_EXT_semaphore";

    /// <summary>Extension that imports a semaphore as a POSIX fd.</summary>
    public const string SemaphoreFdExtension = "GL_EXT_semaphore_fd";

    /// <summary>Extension that imports a semaphore (or D3D12 fence) as an NT handle.</summary>
    public const string SemaphoreWin32Extension = "GL_EXT_semaphore_win32";

    private readonly HashSet<string> _extensions;

    private GlExternalMemorySupport(GL gl, HashSet<string> extensions, string renderer)
    {
        Gl = gl;
        _extensions = extensions;
        Renderer = renderer;
        Api = GlExternalObjectsApi.Load(gl);
        if (HasMemoryObjects)
        {
            (DeviceUuids, DriverUuid) = ReadUuids(gl, Api);
        }
        else
        {
            DeviceUuids = [];
            DriverUuid = [];
        }
    }

    /// <summary>The GL these capabilities belong to.</summary>
    public GL Gl { get; }

    /// <summary>GL_RENDERER, for messages.</summary>
    public string Renderer { get; }

    /// <summary>True with GL_EXT_memory_object and its entry points.</summary>
    public bool HasMemoryObjects => _extensions.Contains(MemoryObjectExtension) && Api.HasMemoryObjectEntryPoints;

    /// <summary>True with GL_EXT_semaphore and its entry points.</summary>
    public bool HasSemaphores => _extensions.Contains(SemaphoreExtension) && Api.HasSemaphoreEntryPoints;

    /// <summary>UUIDs (16 bytes each) of the devices GL runs on (GL_DEVICE_UUID_EXT); empty without memory objects.</summary>
    public IReadOnlyList<byte[]> DeviceUuids { get; }

    /// <summary>UUID of the GL driver (GL_DRIVER_UUID_EXT); empty without memory objects.</summary>
    public byte[] DriverUuid { get; }

    internal GlExternalObjectsApi Api { get; }

    /// <summary>Reads the extension list and UUIDs of the current context.</summary>
    public static GlExternalMemorySupport Query(GL gl)
    {
        ArgumentNullException.ThrowIfNull(gl);
        gl.GetInteger(GetPName.NumExtensions, out int count);
        var extensions = new HashSet<string>(StringComparer.Ordinal);
        for (uint i = 0; i < (uint)count; i++)
        {
            extensions.Add(gl.GetStringS(StringName.Extensions, i));
        }

        return new GlExternalMemorySupport(gl, extensions, gl.GetStringS(StringName.Renderer));
    }

    /// <summary>Creates the support record from a given extension list; lets tests model a driver without them.</summary>
    internal static GlExternalMemorySupport FromExtensions(GL gl, IEnumerable<string> extensions) =>
        new(gl, new HashSet<string>(extensions, StringComparer.Ordinal), gl.GetStringS(StringName.Renderer));

    /// <summary>Whether the context has the named extension.</summary>
    public bool HasExtension(string name) => _extensions.Contains(name);

    /// <summary>Whether memory handed over as <paramref name="kind"/> can be imported.</summary>
    public bool CanImportMemory(ExternalHandleKind kind) => MissingForMemory(kind).Count == 0;

    /// <summary>Whether a semaphore handed over as <paramref name="kind"/> can be imported.</summary>
    public bool CanImportSemaphore(ExternalHandleKind kind) =>
        HasSemaphores && _extensions.Contains(kind == ExternalHandleKind.OpaqueFd ? SemaphoreFdExtension : SemaphoreWin32Extension);

    /// <summary>Throws when memory handed over as <paramref name="kind"/> cannot be imported, naming what is missing.</summary>
    /// <exception cref="RealtimeGenException">An extension (or its entry points) is missing.</exception>
    public void RequireMemoryImport(ExternalHandleKind kind)
    {
        List<string> missing = MissingForMemory(kind);
        if (missing.Count > 0)
        {
            throw new RealtimeGenException(
                $"The GL driver '{Renderer}' cannot import external memory ({kind}): it lacks {string.Join(" and ", missing)}. " +
                "Use the CPU staging texture path, or a driver that has them (Mesa 20+ llvmpipe/radeonsi/iris, NVIDIA).");
        }
    }

    /// <summary>GL's first device UUID, which the exporter's device must have.</summary>
    /// <exception cref="RealtimeGenException">Memory import is unavailable, or GL reports no device UUID.</exception>
    public byte[] RequireDeviceUuid()
    {
        RequireMemoryImport(OperatingSystem.IsWindows() ? ExternalHandleKind.OpaqueWin32 : ExternalHandleKind.OpaqueFd);
        return DeviceUuids.Count > 0
            ? DeviceUuids[0]
            : throw new RealtimeGenException(
                $"The GL driver '{Renderer}' reports no device UUID (GL_NUM_DEVICE_UUIDS_EXT is 0), so no exporter can be matched to it.");
    }

    /// <summary>Whether <paramref name="deviceUuid"/> (from the exporting API) is one of GL's devices.</summary>
    public bool RunsOnDevice(ReadOnlySpan<byte> deviceUuid)
    {
        foreach (byte[] uuid in DeviceUuids)
        {
            if (deviceUuid.SequenceEqual(uuid))
            {
                return true;
            }
        }

        return false;
    }

    private List<string> MissingForMemory(ExternalHandleKind kind)
    {
        var missing = new List<string>(2);
        if (!_extensions.Contains(MemoryObjectExtension))
        {
            missing.Add(MemoryObjectExtension);
        }
        else if (!Api.HasMemoryObjectEntryPoints)
        {
            missing.Add(MemoryObjectExtension + " entry points");
        }

        string handleExtension = kind == ExternalHandleKind.OpaqueFd ? MemoryObjectFdExtension : MemoryObjectWin32Extension;
        bool handleEntry = kind == ExternalHandleKind.OpaqueFd ? HasImportFd(Api) : HasImportWin32(Api);
        if (!_extensions.Contains(handleExtension))
        {
            missing.Add(handleExtension);
        }
        else if (!handleEntry)
        {
            missing.Add(handleExtension + " entry points");
        }

        return missing;
    }

    private static unsafe bool HasImportFd(GlExternalObjectsApi api) => api.ImportMemoryFd != null;

    private static unsafe bool HasImportWin32(GlExternalObjectsApi api) => api.ImportMemoryWin32Handle != null;

    private static unsafe (byte[][] Devices, byte[] Driver) ReadUuids(GL gl, GlExternalObjectsApi api)
    {
        // GL_NUM_DEVICE_UUIDS_EXT is an integer query; the UUIDs themselves are unsigned-byte queries.
        gl.GetInteger((GLEnum)GlExternalObjectsApi.NumDeviceUuids, out int count);
        count = Math.Clamp(count, 0, 16);
        var devices = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            devices[i] = new byte[GlExternalObjectsApi.UuidSize];
            fixed (byte* uuid = devices[i])
            {
                api.GetUnsignedBytei(GlExternalObjectsApi.DeviceUuid, (uint)i, uuid);
            }
        }

        var driver = new byte[GlExternalObjectsApi.UuidSize];
        fixed (byte* uuid = driver)
        {
            api.GetUnsignedBytev(GlExternalObjectsApi.DriverUuid, uuid);
        }

        return (devices, driver);
    }
}
