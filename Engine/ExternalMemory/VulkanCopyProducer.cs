using Silk.NET.Vulkan;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>
/// A producer that writes shared images on the GPU rather than through a mapping: records an image copy on the
/// device's queue, submits it with a fence and waits for that fence, so that publishing afterwards
/// (<see cref="ExternalMemoryTexture.EndWrite"/>) is ordered after the GPU write. Owns a command pool, one command
/// buffer and the fence.
/// </summary>
/// <remarks>
/// A worker-side object: <see cref="CopyAndWait(VulkanExportedImage, VulkanExportedImage, TimeSpan)"/> blocks the
/// calling thread on the fence, which a worker may do and the render thread never does. It stands for any GPU
/// producer (a compute pass, a CUDA kernel): signal, then publish. Use from one thread at a time; dispose before
/// the device.
/// </remarks>
public sealed unsafe class VulkanCopyProducer : IDisposable
{
    private readonly VulkanExternalMemoryDevice _device;
    private readonly Queue _queue;
    private CommandPool _pool;
    private CommandBuffer _commands;
    private Fence _fence;

    /// <summary>Creates the command pool, command buffer and fence on queue family 0 of <paramref name="device"/>.</summary>
    public VulkanCopyProducer(VulkanExternalMemoryDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
        Vk vk = device.Vk;
        Device handle = device.Device;
        vk.GetDeviceQueue(handle, 0, 0, out _queue);
        var poolInfo = new CommandPoolCreateInfo
        {
            SType = StructureType.CommandPoolCreateInfo,
            QueueFamilyIndex = 0,
            Flags = CommandPoolCreateFlags.ResetCommandBufferBit,
        };
        CommandPool pool;
        Check(vk.CreateCommandPool(handle, &poolInfo, null, &pool), "vkCreateCommandPool");
        _pool = pool;
        try
        {
            var allocateInfo = new CommandBufferAllocateInfo
            {
                SType = StructureType.CommandBufferAllocateInfo,
                CommandPool = pool,
                Level = CommandBufferLevel.Primary,
                CommandBufferCount = 1,
            };
            CommandBuffer commands;
            Check(vk.AllocateCommandBuffers(handle, &allocateInfo, &commands), "vkAllocateCommandBuffers");
            _commands = commands;
            var fenceInfo = new FenceCreateInfo { SType = StructureType.FenceCreateInfo };
            Fence fence;
            Check(vk.CreateFence(handle, &fenceInfo, null, &fence), "vkCreateFence");
            _fence = fence;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Copies <paramref name="source"/> into the slot reserved by <paramref name="destination"/> on the GPU and waits for it.</summary>
    public void CopyAndWait(VulkanExportedImage source, ExternalMemoryWrite destination, TimeSpan timeout) =>
        CopyAndWait(source, destination.Image ?? throw new ArgumentException("Not a reserved write.", nameof(destination)), timeout);

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> (same size) on the GPU and waits for the fence.</summary>
    /// <exception cref="RealtimeGenException">The submission failed or did not finish within <paramref name="timeout"/>.</exception>
    public void CopyAndWait(VulkanExportedImage source, VulkanExportedImage destination, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ObjectDisposedException.ThrowIf(_fence.Handle == 0, this);
        if (source.Width != destination.Width || source.Height != destination.Height)
        {
            throw new ArgumentException(
                $"Source {source.Width}x{source.Height} and destination {destination.Width}x{destination.Height} differ.", nameof(destination));
        }

        Vk vk = _device.Vk;
        Device handle = _device.Device;
        Check(vk.ResetCommandBuffer(_commands, 0), "vkResetCommandBuffer");
        var begin = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
        Check(vk.BeginCommandBuffer(_commands, &begin), "vkBeginCommandBuffer");

        // Host writes to the source and any earlier use of the destination come before the copy; both go to GENERAL,
        // keeping their contents (a linear image's PREINITIALIZED contents survive that transition).
        ImageMemoryBarrier* before = stackalloc ImageMemoryBarrier[2];
        before[0] = Barrier(source, AccessFlags.HostWriteBit, AccessFlags.TransferReadBit);
        before[1] = Barrier(destination, AccessFlags.HostWriteBit | AccessFlags.MemoryReadBit, AccessFlags.TransferWriteBit);
        vk.CmdPipelineBarrier(_commands, PipelineStageFlags.HostBit | PipelineStageFlags.AllCommandsBit, PipelineStageFlags.TransferBit,
            0, 0, null, 0, null, 2, before);
        source.Layout = ImageLayout.General;
        destination.Layout = ImageLayout.General;

        var layers = new ImageSubresourceLayers { AspectMask = ImageAspectFlags.ColorBit, MipLevel = 0, BaseArrayLayer = 0, LayerCount = 1 };
        var region = new ImageCopy
        {
            SrcSubresource = layers,
            DstSubresource = layers,
            Extent = new Extent3D((uint)source.Width, (uint)source.Height, 1),
        };
        vk.CmdCopyImage(_commands, source.Handle, ImageLayout.General, destination.Handle, ImageLayout.General, 1, &region);

        // The copy's writes are made available to whoever reads the memory next (GL, through the shared allocation).
        ImageMemoryBarrier after = Barrier(destination, AccessFlags.TransferWriteBit, AccessFlags.MemoryReadBit | AccessFlags.HostReadBit);
        vk.CmdPipelineBarrier(_commands, PipelineStageFlags.TransferBit, PipelineStageFlags.BottomOfPipeBit | PipelineStageFlags.HostBit,
            0, 0, null, 0, null, 1, &after);
        Check(vk.EndCommandBuffer(_commands), "vkEndCommandBuffer");

        CommandBuffer commands = _commands;
        var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &commands };
        Fence fence = _fence;
        Check(vk.ResetFences(handle, 1, &fence), "vkResetFences");
        Check(vk.QueueSubmit(_queue, 1, &submit, fence), "vkQueueSubmit");
        ulong nanoseconds = (ulong)Math.Max(0, timeout.Ticks) * 100;
        Result waited = vk.WaitForFences(handle, 1, &fence, true, nanoseconds);
        if (waited != Result.Success)
        {
            // The command buffer may still be in flight: wait it out before anyone reuses or frees it.
            _ = vk.QueueWaitIdle(_queue);
            throw new RealtimeGenException($"The GPU copy on '{_device.DeviceName}' did not finish within {timeout.TotalMilliseconds} ms ({waited}).");
        }
    }

    /// <summary>Destroys the fence and the command pool (with its command buffer).</summary>
    public void Dispose()
    {
        if (_pool.Handle == 0 && _fence.Handle == 0)
        {
            return;
        }

        Vk vk = _device.Vk;
        Device handle = _device.Device;
        if (_fence.Handle != 0)
        {
            vk.DestroyFence(handle, _fence, null);
            _fence = default;
        }

        if (_pool.Handle != 0)
        {
            vk.DestroyCommandPool(handle, _pool, null);
            _pool = default;
            _commands = default;
        }
    }

    private static ImageMemoryBarrier Barrier(VulkanExportedImage image, AccessFlags sourceAccess, AccessFlags destinationAccess) => new()
    {
        SType = StructureType.ImageMemoryBarrier,
        SrcAccessMask = sourceAccess,
        DstAccessMask = destinationAccess,
        OldLayout = image.Layout,
        NewLayout = ImageLayout.General,
        SrcQueueFamilyIndex = Vk.QueueFamilyIgnored,
        DstQueueFamilyIndex = Vk.QueueFamilyIgnored,
        Image = image.Handle,
        SubresourceRange = new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, 1),
    };

    private void Check(Result result, string call)
    {
        if (result != Result.Success)
        {
            throw new RealtimeGenException($"{call} failed with {result} on '{_device.DeviceName}'.");
        }
    }
}
