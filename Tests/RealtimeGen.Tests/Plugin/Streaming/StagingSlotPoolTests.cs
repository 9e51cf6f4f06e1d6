using System.Runtime.InteropServices;
using NUnit.Framework;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Tests.Plugin.Streaming;

public sealed unsafe class StagingSlotPoolTests
{
    [Test]
    public void Slots_are_consecutive_regions_handed_out_once_until_released()
    {
        void* memory = NativeMemory.AllocZeroed(3 * 64);
        try
        {
            var pool = new StagingSlotPool((nint)memory, 3, 64);
            var taken = new List<StagingSlot>();
            while (pool.TryAcquire(out StagingSlot? slot))
            {
                taken.Add(slot);
            }

            Assert.That(taken.Select(s => s.Index), Is.EquivalentTo(new[] { 0, 1, 2 }));
            Assert.That(pool.FreeCount, Is.Zero);
            taken[1].GetSpan(64).Fill(7);
            byte* bytes = (byte*)memory;
            Assert.That((bytes[63], bytes[64], bytes[127], bytes[128]), Is.EqualTo(((byte)0, (byte)7, (byte)7, (byte)0)), "slot 1 is bytes 64-127");

            pool.Release(taken[2]);
            Assert.That(pool.TryAcquire(out StagingSlot? again), Is.True);
            Assert.That(again, Is.SameAs(taken[2]));
        }
        finally
        {
            NativeMemory.Free(memory);
        }
    }

    [Test]
    public void A_slot_of_another_pool_is_refused_and_a_cancelled_wait_ends()
    {
        void* a = NativeMemory.Alloc(64);
        void* b = NativeMemory.Alloc(64);
        try
        {
            var first = new StagingSlotPool((nint)a, 1, 64);
            var second = new StagingSlotPool((nint)b, 1, 64);
            Assert.That(second.TryAcquire(out StagingSlot? foreign), Is.True);
            Assert.Throws<ArgumentException>(() => first.Release(foreign!));
            Assert.Throws<ArgumentOutOfRangeException>(() => first.ReleaseAt(1));

            Assert.That(first.TryAcquire(out _), Is.True);
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            Assert.Throws<OperationCanceledException>(() => first.Acquire(cancelled.Token), "an empty pool waits only until cancelled");
        }
        finally
        {
            NativeMemory.Free(a);
            NativeMemory.Free(b);
        }
    }
}
