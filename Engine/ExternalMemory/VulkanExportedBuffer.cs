using Silk.NET.Vulkan;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>
/// A Vulkan buffer in its own exportable allocation, device-local where the device has such memory: the shared home
/// of a decoder output that CUDA writes (one exported fd) and GL reads (another). Owns the buffer and the memory.
/// Created by <see cref="VulkanExternalMemoryDevice.CreateBuffer"/>.
/// </summary>
public sealed unsafe class VulkanExportedBuffer : IDisposable
{
    private readonly VulkanExternalMemoryDevice _device;
    private Silk.NET.Vulkan.Buffer _buffer;
    private DeviceMemory _memory;

    internal VulkanExportedBuffer(VulkanExternalMemoryDevice device, ulong size)
    {
        ArgumentOutOfRangeException.ThrowIfZero(size);
        _device = device;
        Size = size;
        Vk vk = device.Vk;
        Device handle = device.Device;
        var external = new ExternalMemoryBufferCreateInfo
        {
            SType = StructureType.ExternalMemoryBufferCreateInfo,
            HandleTypes = VulkanExternalMemoryDevice.HandleTypeFlag,
        };
        var bufferInfo = new BufferCreateInfo
        {
            SType = StructureType.BufferCreateInfo,
            PNext = &external,
            Size = size,
            Usage = BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferSrcBit | BufferUsageFlags.TransferDstBit,
            SharingMode = SharingMode.Exclusive,
        };
        Silk.NET.Vulkan.Buffer buffer;
        Result result = vk.CreateBuffer(handle, &bufferInfo, null, &buffer);
        if (result != Result.Success)
        {
            throw new RealtimeGenException($"vkCreateBuffer for {size} exportable bytes failed with {result} on '{device.DeviceName}'.");
        }

        _buffer = buffer;
        try
        {
            vk.GetBufferMemoryRequirements(handle, buffer, out MemoryRequirements requirements);
            uint memoryType = device.FindMemoryType(requirements.MemoryTypeBits, MemoryPropertyFlags.DeviceLocalBit, required: false);
            if (memoryType == uint.MaxValue)
            {
                memoryType = device.FindMemoryType(requirements.MemoryTypeBits, MemoryPropertyFlags.None);
            }

            DeviceMemory memory = device.AllocateExportable(requirements.Size, memoryType, new MemoryDedicatedAllocateInfo { Buffer = buffer });
            _memory = memory;
            AllocationSize = requirements.Size;
            result = vk.BindBufferMemory(handle, buffer, memory, 0);
            if (result != Result.Success)
            {
                throw new RealtimeGenException($"vkBindBufferMemory failed with {result} on '{device.DeviceName}'.");
            }
        }
        catch
        {
            Destroy();
            throw;
        }
    }

    /// <summary>Bytes asked for.</summary>
    public ulong Size { get; }

    /// <summary>Size of the dedicated allocation; the size importers are given.</summary>
    public ulong AllocationSize { get; }

    /// <summary>Whether the buffer is still alive.</summary>
    public bool IsAlive => _buffer.Handle != 0;

    /// <summary>Exports a new NT handle to this resource's memory (Windows); the caller closes it after importing
    /// (GL and CUDA do not take ownership of NT handles).</summary>
    public nint ExportWin32Handle()
    {
        ObjectDisposedException.ThrowIf(_memory.Handle == 0, this);
        return _device.ExportMemoryWin32Handle(_memory);
    }

    /// <summary>Exports a new POSIX fd to this buffer's memory; the receiver (GL or CUDA) owns it.</summary>
    public int ExportFd()
    {
        ObjectDisposedException.ThrowIf(_memory.Handle == 0, this);
        return _device.ExportMemoryFd(_memory);
    }

    /// <summary>Frees the memory and destroys the buffer; importers keep their own reference.</summary>
    public void Dispose()
    {
        if (_buffer.Handle == 0 && _memory.Handle == 0)
        {
            return;
        }

        Destroy();
        _device.Forget(this);
    }

    private void Destroy()
    {
        Vk vk = _device.Vk;
        Device handle = _device.Device;
        if (_buffer.Handle != 0)
        {
            vk.DestroyBuffer(handle, _buffer, null);
            _buffer = default;
        }

        if (_memory.Handle != 0)
        {
            vk.FreeMemory(handle, _memory, null);
            _memory = default;
        }
    }
}
