using Silk.NET.Vulkan;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>
/// A linear RGBA8 Vulkan image in its own exportable, host-visible allocation, mapped for the producer's writes.
/// Owns the image, the memory and the mapping; <see cref="ExportFd"/> hands GL a descriptor to the same memory.
/// </summary>
/// <remarks>
/// Rows are <see cref="RowPitch"/> bytes apart, as Vulkan lays the linear image out (vkGetImageSubresourceLayout);
/// write through <see cref="Row"/> or <see cref="WriteTightRows"/>, never assuming width × 4. The memory is
/// host-coherent, so a finished write is visible to GL without a flush; ordering against GL's reads is the caller's
/// (see <see cref="ExternalMemoryTexture"/>). Created by <see cref="VulkanExternalMemoryDevice.CreateImage"/>.
/// </remarks>
public sealed unsafe class VulkanExportedImage : IDisposable
{
    private readonly VulkanExternalMemoryDevice _device;
    private Image _image;
    private DeviceMemory _memory;
    private byte* _mapped;

    internal VulkanExportedImage(VulkanExternalMemoryDevice device, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        _device = device;
        Width = width;
        Height = height;
        Vk vk = device.Vk;
        Device handle = device.Device;

        var external = new ExternalMemoryImageCreateInfo
        {
            SType = StructureType.ExternalMemoryImageCreateInfo,
            HandleTypes = VulkanExternalMemoryDevice.HandleTypeFlag,
        };
        var imageInfo = new ImageCreateInfo
        {
            SType = StructureType.ImageCreateInfo,
            PNext = &external,
            ImageType = ImageType.Type2D,
            Format = Format.R8G8B8A8Unorm,
            Extent = new Extent3D((uint)width, (uint)height, 1),
            MipLevels = 1,
            ArrayLayers = 1,
            Samples = SampleCountFlags.Count1Bit,
            Tiling = ImageTiling.Linear,
            Usage = ImageUsageFlags.TransferSrcBit | ImageUsageFlags.TransferDstBit | ImageUsageFlags.SampledBit,
            SharingMode = SharingMode.Exclusive,
            InitialLayout = ImageLayout.Preinitialized,
        };
        Image image;
        Result result = vk.CreateImage(handle, &imageInfo, null, &image);
        if (result != Result.Success)
        {
            throw new RealtimeGenException($"vkCreateImage for an exportable linear {width}x{height} RGBA8 image failed with {result} on '{device.DeviceName}'.");
        }

        _image = image;
        try
        {
            vk.GetImageMemoryRequirements(handle, image, out MemoryRequirements requirements);
            uint memoryType = device.FindMemoryType(
                requirements.MemoryTypeBits, MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit);

            DeviceMemory memory = device.AllocateExportable(requirements.Size, memoryType, new MemoryDedicatedAllocateInfo { Image = image });
            _memory = memory;
            AllocationSize = requirements.Size;
            result = vk.BindImageMemory(handle, image, memory, 0);
            if (result != Result.Success)
            {
                throw new RealtimeGenException($"vkBindImageMemory failed with {result} on '{device.DeviceName}'.");
            }

            var subresource = new ImageSubresource { AspectMask = ImageAspectFlags.ColorBit, MipLevel = 0, ArrayLayer = 0 };
            vk.GetImageSubresourceLayout(handle, image, &subresource, out SubresourceLayout layout);
            RowPitch = checked((int)layout.RowPitch);
            ImageOffset = layout.Offset;

            void* mapped;
            result = vk.MapMemory(handle, memory, 0, Vk.WholeSize, 0, &mapped);
            if (result != Result.Success)
            {
                throw new RealtimeGenException($"vkMapMemory failed with {result} on '{device.DeviceName}'.");
            }

            _mapped = (byte*)mapped + layout.Offset;
        }
        catch
        {
            Destroy();
            throw;
        }
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Bytes from one row to the next, as Vulkan laid the linear image out (at least <see cref="Width"/> × 4).</summary>
    public int RowPitch { get; }

    /// <summary>Offset of the first pixel within the allocation.</summary>
    public ulong ImageOffset { get; }

    /// <summary>Size of the dedicated allocation in bytes; the size GL imports.</summary>
    public ulong AllocationSize { get; }

    /// <summary>The Vulkan image, for commands recorded on the device's queue.</summary>
    internal Image Handle => _image;

    /// <summary>The layout the last recorded command left the image in (Preinitialized until the first).</summary>
    internal ImageLayout Layout { get; set; } = ImageLayout.Preinitialized;

    /// <summary>Whether the image is still alive.</summary>
    public bool IsAlive => _image.Handle != 0;

    /// <summary>The mapped bytes of row <paramref name="y"/>: <see cref="Width"/> × 4 bytes of RGBA8.</summary>
    public Span<byte> Row(int y)
    {
        ObjectDisposedException.ThrowIf(_mapped == null, this);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return new Span<byte>(_mapped + ((long)y * RowPitch), Width * 4);
    }

    /// <summary>Whether rows follow each other with no padding (<see cref="RowPitch"/> = width × 4), so that a
    /// producer can write the whole image as one tightly packed span (<see cref="TightPixels"/>).</summary>
    public bool IsTightlyPacked => RowPitch == Width * 4;

    /// <summary>The whole mapped image as one span of tightly packed RGBA8 rows; only when <see cref="IsTightlyPacked"/>.</summary>
    public Span<byte> TightPixels
    {
        get
        {
            ObjectDisposedException.ThrowIf(_mapped == null, this);
            if (!IsTightlyPacked)
            {
                throw new InvalidOperationException(
                    $"Rows of this {Width}x{Height} image are {RowPitch} bytes apart, not {Width * 4}; write them through Row(y).");
            }

            return new Span<byte>(_mapped, Width * Height * 4);
        }
    }

    /// <summary>Writes tightly packed RGBA8 rows (width × 4 bytes each) into the image at its row pitch.</summary>
    public void WriteTightRows(ReadOnlySpan<byte> rgba)
    {
        ObjectDisposedException.ThrowIf(_mapped == null, this);
        int rowBytes = Width * 4;
        if (rgba.Length != rowBytes * Height)
        {
            throw new ArgumentException($"Expected {rowBytes * Height} bytes of RGBA8 for {Width}x{Height}; got {rgba.Length}.", nameof(rgba));
        }

        for (int y = 0; y < Height; y++)
        {
            rgba.Slice(y * rowBytes, rowBytes).CopyTo(new Span<byte>(_mapped + ((long)y * RowPitch), rowBytes));
        }
    }

    /// <summary>Exports a new NT handle to this resource's memory (Windows); the caller closes it after importing
    /// (GL and CUDA do not take ownership of NT handles).</summary>
    public nint ExportWin32Handle()
    {
        ObjectDisposedException.ThrowIf(_memory.Handle == 0, this);
        return _device.ExportMemoryWin32Handle(_memory);
    }

    /// <summary>Exports a new POSIX fd to this image's memory; the receiver (e.g. <see cref="GlMemoryObject.ImportFd"/>) owns it.</summary>
    public int ExportFd()
    {
        ObjectDisposedException.ThrowIf(_memory.Handle == 0, this);
        return _device.ExportMemoryFd(_memory);
    }

    /// <summary>Unmaps and frees the memory and destroys the image. GL objects imported from it keep their own reference.</summary>
    public void Dispose()
    {
        if (_image.Handle == 0 && _memory.Handle == 0)
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
        if (_mapped != null)
        {
            vk.UnmapMemory(handle, _memory);
            _mapped = null;
        }

        if (_image.Handle != 0)
        {
            vk.DestroyImage(handle, _image, null);
            _image = default;
        }

        if (_memory.Handle != 0)
        {
            vk.FreeMemory(handle, _memory, null);
            _memory = default;
        }
    }
}
