using NUnit.Framework;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Engine.ExternalMemory;

public class ExternalMemoryTextureTests
{
    private const int Size = 64;

    [Test]
    public void Nothing_is_shown_before_the_first_published_frame()
    {
        (bool latched, bool hasCurrent, long sequence) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            using var texture = new ExternalMemoryTexture(support, vulkan, Size, Size);
            if (!texture.TryBeginWrite(out ExternalMemoryWrite write))
            {
                throw new InvalidOperationException("a new texture has free slots");
            }

            write.WriteTightRows(ExternalMemoryPattern.Uniform(Size, Size, 9));
            return (texture.Latch(), texture.Current is not null, texture.CurrentSequence);
        });

        Assert.That(latched, Is.False, "a reserved but unpublished slot must not be latched");
        Assert.That(hasCurrent, Is.False);
        Assert.That(sequence, Is.Zero);
    }

    [Test]
    public void A_frame_still_being_written_is_never_sampled_early()
    {
        (byte[] shownWhileWriting, bool latchedWhileWriting, byte[] shownAfter, long sequenceAfter) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            using var texture = new ExternalMemoryTexture(support, vulkan, Size, Size);
            Publish(texture, 10);
            _ = texture.Latch();

            // The late producer: half the rows of the next frame written, not yet published.
            _ = texture.TryBeginWrite(out ExternalMemoryWrite late);
            for (int y = 0; y < Size / 2; y++)
            {
                late.Row(y).Fill(20);
            }

            bool latched = texture.Latch();
            byte[] during = Read(texture.Current!);
            for (int y = Size / 2; y < Size; y++)
            {
                late.Row(y).Fill(20);
            }

            texture.EndWrite(late);
            _ = texture.Latch();
            return (during, latched, Read(texture.Current!), texture.CurrentSequence);
        });

        Assert.That(latchedWhileWriting, Is.False);
        Assert.That(shownWhileWriting, Is.All.EqualTo((byte)10), "GL kept showing the finished frame");
        Assert.That(shownAfter, Is.All.EqualTo((byte)20));
        Assert.That(sequenceAfter, Is.EqualTo(2));
    }

    [Test]
    public void The_slot_GL_has_shown_returns_to_the_producer_only_after_its_fence_signalled()
    {
        (bool reservedWhileRetiring, bool reservedAfterFence, bool reusedTheOldSlot) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            using var texture = new ExternalMemoryTexture(support, vulkan, Size, Size, slotCount: 2);
            Publish(texture, 1);
            _ = texture.Latch();
            GlExternalTexture first = texture.Current!;
            Publish(texture, 2);
            _ = texture.Latch();

            // The first slot now retires behind a fence that Latch has not polled yet.
            bool whileRetiring = texture.TryBeginWrite(out _);
            context.Gl.Finish();
            _ = texture.Latch();
            bool afterFence = texture.TryBeginWrite(out ExternalMemoryWrite write);
            bool reused = afterFence && ReferenceEquals(write.Image, ImageOf(texture, first));
            return (whileRetiring, afterFence, reused);
        });

        Assert.That(reservedWhileRetiring, Is.False, "both slots are shown or retiring: nothing for the producer");
        Assert.That(reservedAfterFence, Is.True);
        Assert.That(reusedTheOldSlot, Is.True);
    }

    [Test]
    public void A_newer_frame_overtakes_an_unlatched_one_which_counts_as_dropped()
    {
        (byte[] shown, long sequence, long dropped) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            using var texture = new ExternalMemoryTexture(support, vulkan, Size, Size);
            Publish(texture, 30);
            Publish(texture, 40);
            _ = texture.Latch();
            return (Read(texture.Current!), texture.CurrentSequence, texture.DroppedFrames);
        });

        Assert.That(shown, Is.All.EqualTo((byte)40));
        Assert.That(sequence, Is.EqualTo(2));
        Assert.That(dropped, Is.EqualTo(1));
    }

    [Test]
    public void A_cancelled_write_frees_its_slot_and_is_never_shown()
    {
        (bool latched, int reservable) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            using var texture = new ExternalMemoryTexture(support, vulkan, Size, Size, slotCount: 3);
            _ = texture.TryBeginWrite(out ExternalMemoryWrite write);
            texture.CancelWrite(write);
            bool any = texture.Latch();
            int count = 0;
            while (texture.TryBeginWrite(out _))
            {
                count++;
            }

            return (any, count);
        });

        Assert.That(latched, Is.False);
        Assert.That(reservable, Is.EqualTo(3));
    }

    [Test]
    public void A_concurrent_producer_is_never_seen_half_written()
    {
        const int Frames = 120;
        (int torn, int outOfOrder, int latches, long lastSequence) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            using var texture = new ExternalMemoryTexture(support, vulkan, Size, Size);
            var producer = new Thread(() =>
            {
                for (int frame = 1; frame <= Frames; frame++)
                {
                    ExternalMemoryWrite write;
                    while (!texture.TryBeginWrite(out write))
                    {
                        Thread.Yield();
                    }

                    // Row by row with yields: a slow producer that a premature read would catch mid-frame.
                    for (int y = 0; y < Size; y++)
                    {
                        write.Row(y).Fill(ValueOf(frame));
                        if (y % 8 == 0)
                        {
                            Thread.Yield();
                        }
                    }

                    texture.EndWrite(write);
                }
            }) { IsBackground = true, Name = "external-memory test producer" };
            producer.Start();

            int tornFrames = 0;
            int regressions = 0;
            int latchCount = 0;
            long previous = 0;
            var pixels = new byte[Size * Size * 4];
            while (producer.IsAlive || texture.CurrentSequence < Frames)
            {
                if (texture.Latch())
                {
                    latchCount++;
                    texture.Current!.ReadPixels(pixels);
                    long sequence = texture.CurrentSequence;
                    byte expected = ValueOf((int)sequence);
                    if (pixels.AsSpan().ContainsAnyExcept(expected))
                    {
                        tornFrames++;
                    }

                    if (sequence <= previous)
                    {
                        regressions++;
                    }

                    previous = sequence;
                }
                else
                {
                    Thread.Yield();
                }
            }

            producer.Join();
            return (tornFrames, regressions, latchCount, texture.CurrentSequence);
        });

        Assert.That(torn, Is.Zero, "every latched frame is whole");
        Assert.That(outOfOrder, Is.Zero);
        Assert.That(latches, Is.GreaterThan(1));
        Assert.That(lastSequence, Is.EqualTo(Frames));
    }

    [Test]
    public void Frames_written_by_a_GPU_copy_on_the_Vulkan_queue_show_in_GL_after_its_fence()
    {
        const int Width = 40;
        const int Height = 24;
        byte[][] frames = [.. Enumerable.Range(1, 4).Select(seed => ExternalMemoryPattern.Random(Width, Height, seed))];

        (byte[][] shown, long sequence) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            using var texture = new ExternalMemoryTexture(support, vulkan, Width, Height, slotCount: 2);
            using var producer = new VulkanCopyProducer(vulkan);
            using VulkanExportedImage source = vulkan.CreateImage(Width, Height);
            var results = new byte[frames.Length][];
            for (int f = 0; f < frames.Length; f++)
            {
                source.WriteTightRows(frames[f]);
                ExternalMemoryWrite write;
                while (!texture.TryBeginWrite(out write))
                {
                    // Both slots busy: let the retiring one's fence signal and Latch reclaim it.
                    context.Gl.Finish();
                    _ = texture.Latch();
                }

                producer.CopyAndWait(source, write, TimeSpan.FromSeconds(10));
                texture.EndWrite(write);
                _ = texture.Latch();
                results[f] = Read(texture.Current!);
            }

            return (results, texture.CurrentSequence);
        });

        for (int f = 0; f < frames.Length; f++)
        {
            Assert.That(shown[f], Is.EqualTo(frames[f]), $"frame {f + 1}");
        }

        Assert.That(sequence, Is.EqualTo(frames.Length));
    }

    [Test]
    public void Latching_and_publishing_allocate_nothing_in_steady_state()
    {
        (long latchBytes, long publishBytes, long frames) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            using var texture = new ExternalMemoryTexture(support, vulkan, Size, Size);
            byte[] frame = ExternalMemoryPattern.Uniform(Size, Size, 5);
            long latchAllocated = 0;
            long publishAllocated = 0;
            for (int i = 0; i < 60; i++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                if (texture.TryBeginWrite(out ExternalMemoryWrite write))
                {
                    write.WriteTightRows(frame);
                    texture.EndWrite(write);
                }

                long published = GC.GetAllocatedBytesForCurrentThread();
                _ = texture.Latch();
                long latched = GC.GetAllocatedBytesForCurrentThread();
                context.Gl.Finish();

                // The first rounds warm up the JIT and GL entry points.
                if (i >= 10)
                {
                    publishAllocated += published - before;
                    latchAllocated += latched - published;
                }
            }

            return (latchAllocated, publishAllocated, texture.CurrentSequence);
        });

        Assert.That(frames, Is.GreaterThan(40), "frames went through the ring");
        Assert.That(latchBytes, Is.Zero, "render thread: Latch");
        Assert.That(publishBytes, Is.Zero, "producer: TryBeginWrite/WriteTightRows/EndWrite");
    }

    private static byte ValueOf(int frame) => (byte)((frame % 250) + 1);

    private static void Publish(ExternalMemoryTexture texture, byte value)
    {
        if (!texture.TryBeginWrite(out ExternalMemoryWrite write))
        {
            throw new InvalidOperationException("expected a free slot");
        }

        write.WriteTightRows(ExternalMemoryPattern.Uniform(texture.Width, texture.Height, value));
        texture.EndWrite(write);
    }

    private static byte[] Read(GlExternalTexture texture)
    {
        var pixels = new byte[texture.Width * texture.Height * 4];
        texture.ReadPixels(pixels);
        return pixels;
    }

    private static VulkanExportedImage? ImageOf(ExternalMemoryTexture texture, GlExternalTexture shown)
    {
        for (int i = 0; i < texture.SlotCount; i++)
        {
            if (ReferenceEquals(texture.SlotTexture(i), shown))
            {
                return texture.SlotImage(i);
            }
        }

        return null;
    }
}
