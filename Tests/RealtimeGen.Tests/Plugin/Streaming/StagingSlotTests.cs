using NUnit.Framework;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Tests.Plugin.Streaming;

public sealed unsafe class StagingSlotTests
{
    [Test]
    public void A_scratch_slot_takes_any_size_with_tight_rows()
    {
        byte[] memory = new byte[64 * 4 * 4];
        fixed (byte* address = memory)
        {
            var slot = new StagingSlot(0, (nint)address, memory.Length);
            byte[] image = [.. Enumerable.Range(0, 8 * 3 * 4).Select(i => (byte)i)];
            slot.WriteTightRows(image, 8, 3);
            Assert.Multiple(() =>
            {
                Assert.That(slot.RowPitch(8), Is.EqualTo(32));
                Assert.That(slot.RowPitch(13), Is.EqualTo(52));
                Assert.That(slot.BoundWidth, Is.Zero);
                Assert.That(slot.GetImage(8, 3).Length, Is.EqualTo(96));
                Assert.That(memory.AsSpan(0, 96).ToArray(), Is.EqualTo(image));
                Assert.Throws<ArgumentException>(() => slot.GetImage(64, 5), "larger than the slot");
            });
        }
    }

    [Test]
    public void A_bound_slot_writes_rows_at_its_pitch_and_refuses_other_sizes_and_tight_spans()
    {
        const int Width = 5;
        const int Height = 3;
        const int Pitch = 32;
        byte[] memory = new byte[((Height - 1) * Pitch) + (Width * 4)];
        Array.Fill(memory, (byte)0xEE);
        fixed (byte* address = memory)
        {
            var slot = new StagingSlot(2, (nint)address, Width, Height, Pitch, new object());
            byte[] image = [.. Enumerable.Range(1, Width * Height * 4).Select(i => (byte)i)];
            slot.WriteTightRows(image, Width, Height);
            var other = Assert.Throws<ArgumentException>(() => slot.GetImage(4, 3));
            var tightSpan = Assert.Throws<InvalidOperationException>(() => slot.GetSpan(Width * Height * 4));
            var wrongLength = Assert.Throws<ArgumentException>(() => slot.WriteTightRows(image.AsSpan(1), Width, Height));
            Assert.Multiple(() =>
            {
                Assert.That(slot.RowPitch(Width), Is.EqualTo(Pitch));
                Assert.That(slot.Capacity, Is.EqualTo(memory.Length));
                Assert.That(slot.GetImage(Width, Height).Length, Is.EqualTo(memory.Length));
                for (int y = 0; y < Height; y++)
                {
                    Assert.That(memory.AsSpan(y * Pitch, Width * 4).ToArray(), Is.EqualTo(image.AsSpan(y * Width * 4, Width * 4).ToArray()), $"row {y}");
                }

                Assert.That(memory[Width * 4], Is.EqualTo(0xEE), "padding after row 0 is not written");
                Assert.That(other!.Message, Does.Contain("one 5×3 image").And.Contain("4×3"));
                Assert.That(tightSpan!.Message, Does.Contain("rows 32 bytes apart, not 20"));
                Assert.That(wrongLength!.Message, Does.Contain("Expected 60 bytes"));
            });
        }
    }
}
