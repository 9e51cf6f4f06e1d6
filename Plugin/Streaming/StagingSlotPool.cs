using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace RealtimeGen.Plugin.Streaming;

/// <summary>
/// The free list of a sink's staging slots over one block of memory: workers take and give back slots from any
/// thread; the sink returns a slot once whatever read it (a GPU copy, a writer thread) is done with it.
/// </summary>
/// <remarks>The memory belongs to the sink, which must outlive the pool's slots.</remarks>
public sealed class StagingSlotPool
{
    private readonly StagingSlot[] _slots;
    private readonly ConcurrentQueue<int> _free = new();

    /// <summary>Carves <paramref name="count"/> slots of <paramref name="slotBytes"/> each out of the memory at <paramref name="memory"/>.</summary>
    public StagingSlotPool(nint memory, int count, int slotBytes)
    {
        ArgumentOutOfRangeException.ThrowIfZero(memory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slotBytes);
        _slots = new StagingSlot[count];
        for (int i = 0; i < count; i++)
        {
            _slots[i] = new StagingSlot(i, memory + ((nint)i * slotBytes), slotBytes);
            _free.Enqueue(i);
        }
    }

    /// <summary>Slots in the pool.</summary>
    public int Count => _slots.Length;

    /// <summary>Slots free to take now.</summary>
    public int FreeCount => _free.Count;

    /// <summary>Takes a free slot without waiting; false when all are in use.</summary>
    public bool TryAcquire([NotNullWhen(true)] out StagingSlot? slot)
    {
        if (_free.TryDequeue(out int index))
        {
            slot = _slots[index];
            return true;
        }

        slot = null;
        return false;
    }

    /// <summary>Takes a free slot, polling until one is returned (workers only).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public StagingSlot Acquire(CancellationToken cancellationToken)
    {
        // Polls rather than waiting on a handle the render thread would have to signal under a lock; the pool runs
        // dry only when a whole ring of images is in flight.
        StagingSlot? slot;
        while (!TryAcquire(out slot))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Thread.Sleep(1);
        }

        return slot;
    }

    /// <summary>Makes <paramref name="slot"/> free again.</summary>
    /// <exception cref="ArgumentException">The slot belongs to another pool.</exception>
    public void Release(StagingSlot slot)
    {
        CheckOwn(slot);
        _free.Enqueue(slot.Index);
    }

    /// <summary>Makes the slot with sink number <paramref name="index"/> free again.</summary>
    public void ReleaseAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _slots.Length);
        _free.Enqueue(index);
    }

    /// <summary>Throws unless <paramref name="slot"/> is one of this pool's.</summary>
    /// <exception cref="ArgumentException">The slot belongs to another pool.</exception>
    public void CheckOwn(StagingSlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        if (slot.Index >= _slots.Length || !ReferenceEquals(_slots[slot.Index], slot))
        {
            throw new ArgumentException("The slot belongs to another sink.", nameof(slot));
        }
    }
}
