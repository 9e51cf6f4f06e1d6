using RealtimeGen.Engine.Rendering;
using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>
/// A texture the renderer samples straight from memory a producer writes, with no CPU copy to GL: a ring of Vulkan
/// images exported to GL (<see cref="VulkanExportedImage"/> → <see cref="GlMemoryObject"/> → <see cref="GlExternalTexture"/>).
/// The producer fills one slot while GL samples another; the ring decides who may touch which slot.
/// </summary>
/// <remarks>
/// <para>Producer side (one worker thread at a time, never GL): <see cref="TryBeginWrite"/> reserves a slot GL is done
/// with, the producer writes it (mapped rows at the Vulkan row pitch; on a GPU, CUDA or a compute pass into the same
/// memory), and <see cref="EndWrite"/> publishes it. Publication is a release store, so GL never sees a slot whose
/// write has not finished.</para>
/// <para>Render thread (the GL thread): <see cref="Latch"/> once per frame before drawing switches to the newest
/// published slot; the slot it leaves gets a GL fence and returns to the producer only once that fence has
/// signalled, which Latch polls without waiting. So the producer never writes memory GL may still be sampling, and the
/// render thread never blocks on the producer or on a fence, and allocates nothing.</para>
/// <para>Create and dispose on the GL thread after the producer has stopped; disposal releases GL objects, then the
/// Vulkan images. The Vulkan device is the caller's; disposing it first destroys the images early (GL keeps its own
/// reference to the memory), so either order is safe.</para>
/// </remarks>
public sealed class ExternalMemoryTexture : IDisposable
{
    private readonly GL _gl;
    private readonly GlThread _glThread = GlThread.Current;
    private readonly ExternalMemorySlot[] _slots;
    private long _nextSequence;
    private int _displayed = -1;
    private long _droppedFrames;
    private bool _disposed;

    /// <summary>Allocates <paramref name="slotCount"/> exported images and imports each into GL.</summary>
    /// <param name="support">GL capabilities of the current context (the GL thread's).</param>
    /// <param name="vulkan">The producer's device; it must be GL's device (same UUID).</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="slotCount">Images in the ring: 3 lets the producer write while one is shown and one retires.</param>
    /// <exception cref="RealtimeGenException">GL cannot import fds, or Vulkan and GL run on different devices.</exception>
    public ExternalMemoryTexture(GlExternalMemorySupport support, VulkanExternalMemoryDevice vulkan, int width, int height, int slotCount = 3)
    {
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(vulkan);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(slotCount, 2);
        support.RequireMemoryImport(VulkanExternalMemoryDevice.HandleKind);
        if (!support.RunsOnDevice(vulkan.DeviceUuid))
        {
            throw new RealtimeGenException(
                $"Vulkan device '{vulkan.DeviceName}' (UUID {Convert.ToHexString(vulkan.DeviceUuid)}) is not the device GL runs on " +
                $"('{support.Renderer}', UUIDs {string.Join(", ", support.DeviceUuids.Select(Convert.ToHexString))}); " +
                "memory can only be shared on the same device. Create the Vulkan device with GL's device UUID.");
        }

        _gl = support.Gl;
        Width = width;
        Height = height;
        _slots = new ExternalMemorySlot[slotCount];
        try
        {
            for (int i = 0; i < slotCount; i++)
            {
                _slots[i] = CreateSlot(support, vulkan, width, height);
            }
        }
        catch
        {
            DisposeSlots();
            throw;
        }
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Number of images in the ring.</summary>
    public int SlotCount => _slots.Length;

    /// <summary>The texture to sample this frame, or null before the first published frame was latched.</summary>
    public GlExternalTexture? Current => _displayed < 0 ? null : _slots[_displayed].Texture;

    /// <summary>Frame number (1, 2, …, in publication order) of <see cref="Current"/>; 0 before the first.</summary>
    public long CurrentSequence => _displayed < 0 ? 0 : _slots[_displayed].Sequence;

    /// <summary>Published frames that a newer one overtook before they were latched.</summary>
    public long DroppedFrames => Interlocked.Read(ref _droppedFrames);

    /// <summary>
    /// Producer side: reserves a slot that GL no longer samples. False when every slot is shown, retiring or
    /// published and not yet latched; try again after the next frame.
    /// </summary>
    public bool TryBeginWrite(out ExternalMemoryWrite write)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (int i = 0; i < _slots.Length; i++)
        {
            ExternalMemorySlot slot = _slots[i];
            if (Interlocked.CompareExchange(ref slot.State, ExternalMemorySlot.Writing, ExternalMemorySlot.Free) == ExternalMemorySlot.Free)
            {
                write = new ExternalMemoryWrite(i, slot.Image);
                return true;
            }
        }

        write = default;
        return false;
    }

    /// <summary>Producer side: publishes a finished write; the next <see cref="Latch"/> shows it unless a newer one follows.</summary>
    public void EndWrite(ExternalMemoryWrite write)
    {
        ExternalMemorySlot slot = Reserved(write);
        slot.Sequence = Interlocked.Increment(ref _nextSequence);

        // Release store: the pixel writes above are visible to whoever reads Ready.
        Volatile.Write(ref slot.State, ExternalMemorySlot.Ready);
    }

    /// <summary>Producer side: gives a reserved slot back unpublished (e.g. the generation was cancelled).</summary>
    public void CancelWrite(ExternalMemoryWrite write) => Volatile.Write(ref Reserved(write).State, ExternalMemorySlot.Free);

    /// <summary>
    /// Render thread, once per frame before drawing: frees slots whose fences signalled and switches
    /// <see cref="Current"/> to the newest published frame. Never waits. True when <see cref="Current"/> changed.
    /// </summary>
    public bool Latch()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int newest = -1;
        long newestSequence = 0;
        for (int i = 0; i < _slots.Length; i++)
        {
            ExternalMemorySlot slot = _slots[i];
            int state = Volatile.Read(ref slot.State);
            if (state == ExternalMemorySlot.Retiring)
            {
                ReclaimIfSignalled(slot);
            }
            else if (state == ExternalMemorySlot.Ready && slot.Sequence > newestSequence)
            {
                newest = i;
                newestSequence = slot.Sequence;
            }
        }

        if (newest < 0)
        {
            return false;
        }

        for (int i = 0; i < _slots.Length; i++)
        {
            ExternalMemorySlot slot = _slots[i];
            if (i != newest && Volatile.Read(ref slot.State) == ExternalMemorySlot.Ready && slot.Sequence < newestSequence)
            {
                Interlocked.Increment(ref _droppedFrames);
                Volatile.Write(ref slot.State, ExternalMemorySlot.Free);
            }
        }

        if (_displayed >= 0)
        {
            // Everything GL was told to do with the old image comes before this fence.
            ExternalMemorySlot old = _slots[_displayed];
            old.Fence = _gl.FenceSync(SyncCondition.SyncGpuCommandsComplete, SyncBehaviorFlags.None);
            Volatile.Write(ref old.State, ExternalMemorySlot.Retiring);
        }

        Volatile.Write(ref _slots[newest].State, ExternalMemorySlot.Displayed);
        _displayed = newest;
        return true;
    }

    /// <summary>The GL texture of slot <paramref name="index"/> (for tests and diagnostics).</summary>
    internal GlExternalTexture SlotTexture(int index) => _slots[index].Texture;

    /// <summary>The Vulkan image of slot <paramref name="index"/> (for tests and diagnostics).</summary>
    internal VulkanExportedImage SlotImage(int index) => _slots[index].Image;

    /// <summary>The GL memory object of slot <paramref name="index"/> (for tests and diagnostics).</summary>
    internal GlMemoryObject SlotMemory(int index) => _slots[index].Memory;

    /// <summary>Deletes fences, GL textures and memory objects, then the Vulkan images; call on the GL thread.</summary>
    public void Dispose()
    {
        if (_disposed || !_glThread.CheckDisposeThread(nameof(ExternalMemoryTexture)))
        {
            return;
        }

        _disposed = true;
        DisposeSlots();
        _displayed = -1;
    }

    private static ExternalMemorySlot CreateSlot(GlExternalMemorySupport support, VulkanExternalMemoryDevice vulkan, int width, int height)
    {
        VulkanExportedImage image = vulkan.CreateImage(width, height);
        GlMemoryObject? memory = null;
        try
        {
            memory = ImportInto(support, image);
            GlExternalTexture texture = GlExternalTexture.Create(memory, width, height, image.ImageOffset, linearTiling: true);
            return new ExternalMemorySlot(image, memory, texture);
        }
        catch
        {
            memory?.Dispose();
            image.Dispose();
            throw;
        }
    }

    private static GlMemoryObject ImportInto(GlExternalMemorySupport support, VulkanExportedImage image)
    {
        if (VulkanExternalMemoryDevice.HandleKind == ExternalHandleKind.OpaqueFd)
        {
            return GlMemoryObject.ImportFd(support, image.ExportFd(), image.AllocationSize, dedicated: true);
        }

        nint handle = image.ExportWin32Handle();
        try
        {
            return GlMemoryObject.ImportWin32(support, handle, image.AllocationSize, ExternalHandleKind.OpaqueWin32, dedicated: true);
        }
        finally
        {
            NtHandle.Close(handle);
        }
    }

    private ExternalMemorySlot Reserved(ExternalMemoryWrite write)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (write.Image is null || write.Slot < 0 || write.Slot >= _slots.Length || !ReferenceEquals(_slots[write.Slot].Image, write.Image))
        {
            throw new ArgumentException("The write was not reserved on this texture.", nameof(write));
        }

        ExternalMemorySlot slot = _slots[write.Slot];
        if (Volatile.Read(ref slot.State) != ExternalMemorySlot.Writing)
        {
            throw new InvalidOperationException("The slot is not reserved for writing; it was already published or cancelled.");
        }

        return slot;
    }

    private void ReclaimIfSignalled(ExternalMemorySlot slot)
    {
        // Zero timeout: a poll, never a wait. The flush bit makes sure the fence reaches the driver.
        GLEnum status = _gl.ClientWaitSync(slot.Fence, SyncObjectMask.Bit, 0);
        if (status is GLEnum.AlreadySignaled or GLEnum.ConditionSatisfied)
        {
            _gl.DeleteSync(slot.Fence);
            slot.Fence = 0;
            Volatile.Write(ref slot.State, ExternalMemorySlot.Free);
        }
    }

    private void DisposeSlots()
    {
        foreach (ExternalMemorySlot? slot in _slots)
        {
            if (slot is null)
            {
                continue;
            }

            if (slot.Fence != 0)
            {
                _gl.DeleteSync(slot.Fence);
                slot.Fence = 0;
            }

            slot.Texture.Dispose();
            slot.Memory.Dispose();
            slot.Image.Dispose();
        }
    }
}
