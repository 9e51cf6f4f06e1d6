using System.Runtime.InteropServices;
using System.Text;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>
/// A Vulkan instance and device that allocate memory GL can import: the producer side of the external-memory path.
/// On this project's CI that is Mesa's lavapipe next to llvmpipe GL; on a desktop GPU, the vendor driver next to its
/// GL, and the memory CUDA imports.
/// </summary>
/// <remarks>
/// Vulkan objects are not tied to a thread, but this class and its images and buffers are externally synchronised:
/// create and dispose from one thread at a time. Disposing the device destroys the images and buffers still alive
/// (children must go before their device), so disposal works in any order.
/// </remarks>
public sealed unsafe class VulkanExternalMemoryDevice : IDisposable
{
    /// <summary>Device extension exporting memory as a POSIX fd.</summary>
    public const string ExternalMemoryFdExtension = "VK_KHR_external_memory_fd";

    /// <summary>Device extension exporting memory as an NT handle (Windows).</summary>
    public const string ExternalMemoryWin32Extension = "VK_KHR_external_memory_win32";

    /// <summary>Device extension exporting semaphores as a POSIX fd (optional here).</summary>
    public const string ExternalSemaphoreFdExtension = "VK_KHR_external_semaphore_fd";

    /// <summary>Debian packages with the Vulkan loader and Mesa's Vulkan drivers (lavapipe without a GPU).</summary>
    public const string DriverPackages = "libvulkan1 mesa-vulkan-drivers";

    private readonly Lock _gate = new();
    private readonly HashSet<IDisposable> _children = [];
    private readonly delegate* unmanaged<Device, MemoryGetFdInfoKHR*, int*, Result> _getMemoryFd;
    private readonly delegate* unmanaged<Device, MemoryGetWin32HandleInfoKHR*, nint*, Result> _getMemoryWin32Handle;
    private Instance _instance;
    private Device _device;
    private bool _disposed;

    private VulkanExternalMemoryDevice(
        Vk vk, Instance instance, PhysicalDevice physicalDevice, Device device, string deviceName,
        byte[] deviceUuid, byte[] driverUuid, bool hasSemaphoreFd, nint exportFunction)
    {
        Vk = vk;
        _instance = instance;
        PhysicalDevice = physicalDevice;
        _device = device;
        DeviceName = deviceName;
        DeviceUuid = deviceUuid;
        DriverUuid = driverUuid;
        HasSemaphoreFd = hasSemaphoreFd;
        if (HandleKind == ExternalHandleKind.OpaqueFd)
        {
            _getMemoryFd = (delegate* unmanaged<Device, MemoryGetFdInfoKHR*, int*, Result>)exportFunction;
        }
        else
        {
            _getMemoryWin32Handle = (delegate* unmanaged<Device, MemoryGetWin32HandleInfoKHR*, nint*, Result>)exportFunction;
        }
    }

    /// <summary>How this OS hands exported memory over: a POSIX fd on Linux, an NT handle on Windows.</summary>
    public static ExternalHandleKind HandleKind => OperatingSystem.IsWindows() ? ExternalHandleKind.OpaqueWin32 : ExternalHandleKind.OpaqueFd;

    /// <summary>The device extension that exports memory on this OS.</summary>
    public static string MemoryExtension => OperatingSystem.IsWindows() ? ExternalMemoryWin32Extension : ExternalMemoryFdExtension;

    /// <summary>Name of the Vulkan loader library on this OS.</summary>
    public static string LoaderLibrary => OperatingSystem.IsWindows() ? "vulkan-1.dll" : "libvulkan.so.1";

    /// <summary>The physical device's name (e.g. "llvmpipe (LLVM 15.0.6, 256 bits)").</summary>
    public string DeviceName { get; }

    /// <summary>VkPhysicalDeviceIDProperties.deviceUUID; GL must report the same one to import this device's memory.</summary>
    public byte[] DeviceUuid { get; }

    /// <summary>VkPhysicalDeviceIDProperties.driverUUID.</summary>
    public byte[] DriverUuid { get; }

    /// <summary>Whether the device also exports semaphores as fds (VK_KHR_external_semaphore_fd).</summary>
    public bool HasSemaphoreFd { get; }

    /// <summary>Exported images and buffers created on this device and not yet disposed (for leak checks).</summary>
    public int LiveObjectCount
    {
        get
        {
            lock (_gate)
            {
                return _children.Count;
            }
        }
    }

    internal Vk Vk { get; }

    internal PhysicalDevice PhysicalDevice { get; }

    internal Device Device
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _device;
        }
    }

    /// <summary>
    /// Creates the instance and a device with <see cref="MemoryExtension"/>, on the physical device whose
    /// UUID is <paramref name="glDeviceUuid"/> when one is given (GL can import only memory of its own device).
    /// </summary>
    /// <param name="glDeviceUuid">GL_DEVICE_UUID_EXT of the importing context, or empty for the first capable device.</param>
    /// <param name="loaderLibrary">The Vulkan loader to require; <see cref="LoaderLibrary"/> unless given.</param>
    /// <exception cref="RealtimeGenException">No loader, no driver, no capable device, or no device matching GL.</exception>
    public static VulkanExternalMemoryDevice Create(ReadOnlySpan<byte> glDeviceUuid = default, string? loaderLibrary = null)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())
        {
            throw new RealtimeGenException(
                "The Vulkan external-memory producer exports POSIX fds (Linux) or NT handles (Windows); this OS has neither route.");
        }

        string loader = loaderLibrary ?? LoaderLibrary;
        if (!NativeLibrary.TryLoad(loader, out nint loaderHandle))
        {
            throw new RealtimeGenException(
                $"The external-memory texture path needs the Vulkan loader '{loader}', which could not be loaded. " +
                $"Install it and a driver with: sudo apt-get install {DriverPackages}");
        }

        NativeLibrary.Free(loaderHandle);
        Vk vk = Vk.GetApi();
        try
        {
            Instance instance = CreateInstance(vk);
            try
            {
                return CreateOnInstance(vk, instance, glDeviceUuid);
            }
            catch
            {
                vk.DestroyInstance(instance, null);
                throw;
            }
        }
        catch
        {
            vk.Dispose();
            throw;
        }
    }

    /// <summary>Allocates an exportable, host-mapped, linear RGBA8 image.</summary>
    public VulkanExportedImage CreateImage(int width, int height)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var image = new VulkanExportedImage(this, width, height);
        lock (_gate)
        {
            _children.Add(image);
        }

        return image;
    }

    /// <summary>Allocates an exportable buffer of <paramref name="size"/> bytes (device-local where the device has it).</summary>
    public VulkanExportedBuffer CreateBuffer(ulong size)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var buffer = new VulkanExportedBuffer(this, size);
        lock (_gate)
        {
            _children.Add(buffer);
        }

        return buffer;
    }

    /// <summary>Destroys the images and buffers still alive, then the device and instance.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        IDisposable[] remaining;
        lock (_gate)
        {
            remaining = [.. _children];
        }

        foreach (IDisposable child in remaining)
        {
            child.Dispose();
        }

        _disposed = true;
        Vk.DestroyDevice(_device, null);
        Vk.DestroyInstance(_instance, null);
        _device = default;
        _instance = default;
        Vk.Dispose();
    }

    internal static ExternalMemoryHandleTypeFlags HandleTypeFlag =>
        HandleKind == ExternalHandleKind.OpaqueFd ? ExternalMemoryHandleTypeFlags.OpaqueFDBit : ExternalMemoryHandleTypeFlags.OpaqueWin32Bit;

    internal nint ExportMemoryWin32Handle(DeviceMemory memory)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_getMemoryWin32Handle == null)
        {
            throw new InvalidOperationException("This device exports fds; call ExportFd.");
        }

        var info = new MemoryGetWin32HandleInfoKHR
        {
            SType = StructureType.MemoryGetWin32HandleInfoKhr,
            Memory = memory,
            HandleType = ExternalMemoryHandleTypeFlags.OpaqueWin32Bit,
        };
        nint handle = 0;
        Result result = _getMemoryWin32Handle(_device, &info, &handle);
        if (result != Result.Success || handle == 0)
        {
            throw new RealtimeGenException($"vkGetMemoryWin32HandleKHR failed with {result} on '{DeviceName}'.");
        }

        return handle;
    }

    internal int ExportMemoryFd(DeviceMemory memory)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_getMemoryFd == null)
        {
            throw new InvalidOperationException("This device exports NT handles; call ExportWin32Handle.");
        }

        var info = new MemoryGetFdInfoKHR
        {
            SType = StructureType.MemoryGetFDInfoKhr,
            Memory = memory,
            HandleType = ExternalMemoryHandleTypeFlags.OpaqueFDBit,
        };
        int fd = -1;
        Result result = _getMemoryFd(_device, &info, &fd);
        if (result != Result.Success || fd < 0)
        {
            throw new RealtimeGenException($"vkGetMemoryFdKHR failed with {result} on '{DeviceName}'.");
        }

        return fd;
    }

    /// <summary>
    /// Allocates exportable memory of <paramref name="memoryType"/> for one image or buffer: a dedicated allocation
    /// (GL is told the same with GL_DEDICATED_MEMORY_OBJECT_EXT, and some drivers require it for export).
    /// </summary>
    internal DeviceMemory AllocateExportable(ulong size, uint memoryType, MemoryDedicatedAllocateInfo dedicated)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        dedicated.SType = StructureType.MemoryDedicatedAllocateInfo;
        var export = new ExportMemoryAllocateInfo
        {
            SType = StructureType.ExportMemoryAllocateInfo,
            PNext = &dedicated,
            HandleTypes = HandleTypeFlag,
        };
        var allocateInfo = new MemoryAllocateInfo
        {
            SType = StructureType.MemoryAllocateInfo,
            PNext = &export,
            AllocationSize = size,
            MemoryTypeIndex = memoryType,
        };
        DeviceMemory memory;
        Result result = Vk.AllocateMemory(_device, &allocateInfo, null, &memory);
        if (result != Result.Success)
        {
            throw new RealtimeGenException($"vkAllocateMemory of {size} exportable bytes failed with {result} on '{DeviceName}'.");
        }

        return memory;
    }

    internal void Forget(IDisposable child)
    {
        lock (_gate)
        {
            _children.Remove(child);
        }
    }

    internal uint FindMemoryType(uint typeBits, MemoryPropertyFlags wanted, bool required = true)
    {
        Vk.GetPhysicalDeviceMemoryProperties(PhysicalDevice, out PhysicalDeviceMemoryProperties properties);
        for (int i = 0; i < (int)properties.MemoryTypeCount; i++)
        {
            if ((typeBits & (1u << i)) != 0 && (properties.MemoryTypes[i].PropertyFlags & wanted) == wanted)
            {
                return (uint)i;
            }
        }

        if (!required)
        {
            return uint.MaxValue;
        }

        throw new RealtimeGenException(
            $"'{DeviceName}' has no memory type with {wanted} among the types the exportable resource allows (mask 0x{typeBits:X}). " +
            "The mapped-write producer needs host-visible memory; use a GPU producer (CUDA) for device-local memory.");
    }

    private static Instance CreateInstance(Vk vk)
    {
        byte* appName = (byte*)SilkMarshal.StringToPtr("RealtimeGen");
        try
        {
            var appInfo = new ApplicationInfo
            {
                SType = StructureType.ApplicationInfo,
                PApplicationName = appName,
                PEngineName = appName,
                ApiVersion = Vk.Version11,
            };
            var createInfo = new InstanceCreateInfo { SType = StructureType.InstanceCreateInfo, PApplicationInfo = &appInfo };
            Instance instance;
            Result result = vk.CreateInstance(&createInfo, null, &instance);
            if (result != Result.Success)
            {
                throw new RealtimeGenException(
                    $"vkCreateInstance failed with {result}: the Vulkan loader found no usable driver. " +
                    $"Install Mesa's Vulkan drivers (lavapipe runs without a GPU): sudo apt-get install {DriverPackages}");
            }

            return instance;
        }
        finally
        {
            SilkMarshal.Free((nint)appName);
        }
    }

    private static VulkanExternalMemoryDevice CreateOnInstance(Vk vk, Instance instance, ReadOnlySpan<byte> glDeviceUuid)
    {
        uint count = 0;
        _ = vk.EnumeratePhysicalDevices(instance, &count, null);
        if (count == 0)
        {
            throw new RealtimeGenException(
                $"Vulkan reports no physical device. Install Mesa's Vulkan drivers (lavapipe runs without a GPU): sudo apt-get install {DriverPackages}");
        }

        var devices = new PhysicalDevice[count];
        fixed (PhysicalDevice* pointer = devices)
        {
            _ = vk.EnumeratePhysicalDevices(instance, &count, pointer);
        }

        var seen = new StringBuilder();
        foreach (PhysicalDevice candidate in devices)
        {
            (string name, byte[] deviceUuid, byte[] driverUuid) = Describe(vk, candidate);
            HashSet<string> extensions = DeviceExtensions(vk, candidate);
            bool hasFd = extensions.Contains(MemoryExtension);
            bool matches = glDeviceUuid.IsEmpty || glDeviceUuid.SequenceEqual(deviceUuid);
            seen.Append(CultureInfoInvariant($"'{name}' (UUID {Convert.ToHexString(deviceUuid)}, {MemoryExtension}: {(hasFd ? "yes" : "no")}); "));
            if (hasFd && matches)
            {
                bool hasSemaphoreFd = HandleKind == ExternalHandleKind.OpaqueFd && extensions.Contains(ExternalSemaphoreFdExtension);
                Device device = CreateLogicalDevice(vk, candidate, hasSemaphoreFd);
                string exportName = HandleKind == ExternalHandleKind.OpaqueFd ? "vkGetMemoryFdKHR" : "vkGetMemoryWin32HandleKHR";
                var export = vk.GetDeviceProcAddr(device, exportName);
                if (export.Handle == null)
                {
                    vk.DestroyDevice(device, null);
                    throw new RealtimeGenException($"'{name}' lists {MemoryExtension} but has no {exportName}.");
                }

                return new VulkanExternalMemoryDevice(vk, instance, candidate, device, name, deviceUuid, driverUuid, hasSemaphoreFd, (nint)export.Handle);
            }
        }

        string wanted = glDeviceUuid.IsEmpty
            ? $"a device with {MemoryExtension}"
            : $"a device with {MemoryExtension} and GL's device UUID {Convert.ToHexString(glDeviceUuid)}";
        throw new RealtimeGenException(
            $"No Vulkan device can share memory with GL: wanted {wanted}; found {seen.ToString().TrimEnd(' ', ';')}. " +
            $"GL and Vulkan must run on the same driver family (Mesa: sudo apt-get install {DriverPackages}).");
    }

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);

    private static (string Name, byte[] DeviceUuid, byte[] DriverUuid) Describe(Vk vk, PhysicalDevice device)
    {
        var id = new PhysicalDeviceIDProperties { SType = StructureType.PhysicalDeviceIDProperties };
        var properties = new PhysicalDeviceProperties2 { SType = StructureType.PhysicalDeviceProperties2, PNext = &id };
        vk.GetPhysicalDeviceProperties2(device, &properties);
        string name = SilkMarshal.PtrToString((nint)properties.Properties.DeviceName) ?? "unnamed device";
        var deviceUuid = new Span<byte>(id.DeviceUuid, 16).ToArray();
        var driverUuid = new Span<byte>(id.DriverUuid, 16).ToArray();
        return (name, deviceUuid, driverUuid);
    }

    private static HashSet<string> DeviceExtensions(Vk vk, PhysicalDevice device)
    {
        uint count = 0;
        _ = vk.EnumerateDeviceExtensionProperties(device, (byte*)null, &count, null);
        var properties = new ExtensionProperties[count];
        fixed (ExtensionProperties* pointer = properties)
        {
            _ = vk.EnumerateDeviceExtensionProperties(device, (byte*)null, &count, pointer);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < (int)count; i++)
        {
            fixed (byte* name = properties[i].ExtensionName)
            {
                names.Add(SilkMarshal.PtrToString((nint)name) ?? string.Empty);
            }
        }

        return names;
    }

    private static Device CreateLogicalDevice(Vk vk, PhysicalDevice physicalDevice, bool withSemaphoreFd)
    {
        string[] extensions = withSemaphoreFd ? [MemoryExtension, ExternalSemaphoreFdExtension] : [MemoryExtension];
        byte** names = (byte**)SilkMarshal.StringArrayToPtr(extensions);
        try
        {
            // One queue of family 0: the mapped-write producer submits nothing, but a device needs a queue.
            float priority = 1f;
            var queueInfo = new DeviceQueueCreateInfo
            {
                SType = StructureType.DeviceQueueCreateInfo,
                QueueFamilyIndex = 0,
                QueueCount = 1,
                PQueuePriorities = &priority,
            };
            var createInfo = new DeviceCreateInfo
            {
                SType = StructureType.DeviceCreateInfo,
                QueueCreateInfoCount = 1,
                PQueueCreateInfos = &queueInfo,
                EnabledExtensionCount = (uint)extensions.Length,
                PpEnabledExtensionNames = names,
            };
            Device device;
            Result result = vk.CreateDevice(physicalDevice, &createInfo, null, &device);
            if (result != Result.Success)
            {
                throw new RealtimeGenException($"vkCreateDevice with {string.Join(", ", extensions)} failed with {result}.");
            }

            return device;
        }
        finally
        {
            _ = SilkMarshal.Free((nint)names);
        }
    }
}
