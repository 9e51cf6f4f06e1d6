using NUnit.Framework;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Plugin.Streaming;
using RealtimeGen.Tests.Engine.ExternalMemory;
using RealtimeGen.Tests.Support;

using static RealtimeGen.Tests.Plugin.ExternalMemory.StreamerTestHost;

namespace RealtimeGen.Tests.Plugin.ExternalMemory;

/// <summary>The zero-copy path of <see cref="ExternalMemoryStreamer"/>: workers write into the texture's own ring images.</summary>
public class ExternalMemoryDirectSlotTests
{
    // 40 pixels = 160 bytes a row, which lavapipe pads to 192; 37×11 is odd both ways; the others are tightly packed.
    private static readonly (int Width, int Height)[] Sizes = [(32, 32), (40, 24), (64, 48), (37, 11)];

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public void Direct_slot_images_equal_the_staging_streamers_textures_at_every_size_including_padded_rows()
    {
        var options = new TextureStreamerOptions { SlotCount = 4, SlotBytes = 64 * 64 * 4, GenerateMipmaps = false };
        var result = WithStreamer(options, (context, shared) =>
        {
            using var staging = new TextureStreamer(context.Gl, options);
            StreamedTextureHandle stagingHandle = staging.CreateTexture();
            StreamedTextureHandle sharedHandle = shared.CreateTexture();
            var frames = new List<(string Size, bool Direct, int Pitch, byte[] Staged, byte[] Shared)>();
            for (int i = 0; i < Sizes.Length; i++)
            {
                (int width, int height) = Sizes[i];

                // The first image of a size makes the ring (copy path); the next ones go straight into it.
                for (int image = 0; image < 3; image++)
                {
                    byte[] pixels = ExternalMemoryPattern.Random(width, height, seed: (i * 10) + image);
                    SubmitTight(staging, stagingHandle, pixels, width, height);
                    staging.Upload();
                    staging.EndFrame();
                    (bool direct, int pitch) = SubmitPitched(shared, sharedHandle, pixels, width, height);
                    PumpUntilShown(shared, sharedHandle);
                    frames.Add(($"{width}x{height} #{image}", direct, pitch, Read(staging.GetTexture(stagingHandle)!), Read(shared.GetTexture(sharedHandle)!)));
                }
            }

            return (frames, shared.CopiedImages, shared.DirectImages, shared.CopiedBytes);
        });

        long firstImagesBytes = Sizes.Sum(size => (long)size.Width * size.Height * 4);
        Assert.Multiple(() =>
        {
            foreach (var frame in result.frames)
            {
                bool first = frame.Size.EndsWith("#0", StringComparison.Ordinal);
                Assert.That(frame.Direct, Is.EqualTo(!first), $"{frame.Size}: first image of a size copies, later ones are direct");
                Assert.That(frame.Shared, Is.EqualTo(frame.Staged), $"{frame.Size}: external texture == staging texture");
            }

            var padded = result.frames.Single(frame => frame.Size == "40x24 #1");
            Assert.That(padded.Pitch, Is.GreaterThan(40 * 4), "lavapipe pads 160-byte rows: the direct slot has the padded pitch");
            Assert.That(result.CopiedImages, Is.EqualTo(Sizes.Length), "one copied image per size");
            Assert.That(result.DirectImages, Is.EqualTo(Sizes.Length * 2));
            Assert.That(result.CopiedBytes, Is.EqualTo(firstImagesBytes), "only the first images of each size were copied");
        });
    }

    [Test]
    public void Steady_state_images_copy_no_bytes_and_the_render_thread_allocates_nothing()
    {
        var options = new TextureStreamerOptions { SlotCount = 3, SlotBytes = 64 * 64 * 4, GenerateMipmaps = true };
        var result = WithStreamer(options, (context, shared) =>
        {
            StreamedTextureHandle handle = shared.CreateTexture();
            byte[][] images = [.. Enumerable.Range(0, 30).Select(i => ExternalMemoryPattern.Uniform(64, 64, (byte)i))];
            long copiedAfterFirst = 0;
            long allocated = 0;
            int directCount = 0;
            for (int image = 0; image < images.Length; image++)
            {
                // The worker's part (acquire and write; a direct slot's view is made on first use) is not the render
                // thread's and is left out; Submit and the frames until the image is shown are measured.
                StagingSlot slot = AcquireFor(shared, handle, 64, 64);
                directCount += slot.BoundWidth != 0 ? 1 : 0;
                slot.WriteTightRows(images[image], 64, 64);
                long before = GC.GetAllocatedBytesForCurrentThread();
                shared.Submit(slot, handle, 64, 64);
                PumpUntilShown(shared, handle);
                long bytes = GC.GetAllocatedBytesForCurrentThread() - before;

                // The first images make the ring and the texture (warm-up).
                allocated += image >= 5 ? bytes : 0;
                copiedAfterFirst = image == 0 ? shared.CopiedBytes : copiedAfterFirst;
            }

            return (Copied: shared.CopiedBytes - copiedAfterFirst, First: copiedAfterFirst, directCount, allocated,
                Shown: Read(shared.GetTexture(handle)!), Last: images[^1]);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.First, Is.EqualTo(64 * 64 * 4), "the first image (no ring yet) is copied");
            Assert.That(result.Copied, Is.Zero, "no CPU copy after the first image");
            Assert.That(result.directCount, Is.EqualTo(29));
            Assert.That(result.allocated, Is.Zero, "bytes allocated on the render thread over 25 steady-state images");
            Assert.That(result.Shown, Is.EqualTo(result.Last));
        });
    }

    [Test]
    public void Resizing_mid_stream_starts_a_new_ring_by_copy_and_a_slot_of_the_old_ring_is_dropped_without_a_write()
    {
        var options = new TextureStreamerOptions { SlotCount = 4, SlotBytes = 64 * 64 * 4, GenerateMipmaps = false };
        var result = WithStreamer(options, (context, shared) =>
        {
            int liveBefore = shared.Selection.Vulkan!.LiveObjectCount;
            StreamedTextureHandle handle = shared.CreateTexture();
            SubmitPitched(shared, handle, ExternalMemoryPattern.Random(64, 64, 1), 64, 64);
            PumpUntilShown(shared, handle);
            SubmitPitched(shared, handle, ExternalMemoryPattern.Random(64, 64, 2), 64, 64);
            PumpUntilShown(shared, handle);

            // A worker holds an image of the 64² ring while the texture changes size.
            bool held = shared.TryAcquireSlot(handle, 64, 64, out StagingSlot? stale);
            int staleWidth = stale?.BoundWidth ?? 0;
            byte[] resized = ExternalMemoryPattern.Random(32, 48, 3);
            (bool resizedDirect, _) = SubmitPitched(shared, handle, resized, 32, 48);
            PumpUntilShown(shared, handle);
            int ringsWhilePinned = shared.RingCount;
            int liveWhilePinned = shared.Selection.Vulkan.LiveObjectCount - liveBefore;

            // The worker finishes its write into the retired (still alive) ring and submits: dropped, never shown.
            stale!.WriteTightRows(ExternalMemoryPattern.Uniform(64, 64, 77), 64, 64);
            shared.Submit(stale, handle, 64, 64);
            long directBefore = shared.DirectImages;
            PumpFrames(shared, 5);
            int ringsAfter = shared.RingCount;
            long directFromStale = shared.DirectImages - directBefore;
            byte[] afterStale = Read(shared.GetTexture(handle)!);

            byte[] next = ExternalMemoryPattern.Random(32, 48, 4);
            (bool nextDirect, _) = SubmitPitched(shared, handle, next, 32, 48);
            PumpUntilShown(shared, handle);
            return (held, staleWidth, resizedDirect, ringsWhilePinned, liveWhilePinned, ringsAfter, afterStale, resized,
                DirectFromStale: directFromStale, nextDirect, Shown: Read(shared.GetTexture(handle)!), next,
                LiveAfter: shared.Selection.Vulkan.LiveObjectCount - liveBefore, shared.FreeSlotCount, shared.SlotCount);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.held, Is.True);
            Assert.That(result.staleWidth, Is.EqualTo(64), "the held slot is an image of the 64² ring");
            Assert.That(result.resizedDirect, Is.False, "the first image of the new size is copied");
            Assert.That(result.ringsWhilePinned, Is.EqualTo(2), "the retired ring stays while a worker holds one of its images");
            Assert.That(result.liveWhilePinned, Is.EqualTo(6), "both rings' Vulkan images are alive meanwhile");
            Assert.That(result.ringsAfter, Is.EqualTo(1), "once the slot came back the retired ring is disposed");
            Assert.That(result.afterStale, Is.EqualTo(result.resized), "the stale image was dropped");
            Assert.That(result.DirectFromStale, Is.Zero);
            Assert.That(result.nextDirect, Is.True, "the next image of the new size is direct");
            Assert.That(result.Shown, Is.EqualTo(result.next));
            Assert.That(result.LiveAfter, Is.EqualTo(3), "one ring of three images left");
            Assert.That(result.FreeSlotCount, Is.EqualTo(result.SlotCount));
        });
    }

    [Test]
    public void Releasing_the_texture_while_a_worker_holds_a_direct_slot_frees_the_ring_only_after_the_worker_lets_go()
    {
        var options = new TextureStreamerOptions { SlotCount = 3, SlotBytes = 48 * 48 * 4, GenerateMipmaps = false };
        var result = WithStreamer(options, (context, shared) =>
        {
            int liveBefore = shared.Selection.Vulkan!.LiveObjectCount;
            StreamedTextureHandle handle = shared.CreateTexture();
            SubmitPitched(shared, handle, ExternalMemoryPattern.Random(48, 48, 1), 48, 48);
            PumpUntilShown(shared, handle);
            long directBefore = shared.DirectImages;

            using var acquired = new ManualResetEventSlim();
            using var released = new ManualResetEventSlim();
            bool workerDirect = false;
            Exception? workerError = null;
            var worker = new Thread(() =>
            {
                try
                {
                    if (!shared.TryAcquireSlot(handle, 48, 48, out StagingSlot? slot))
                    {
                        throw new InvalidOperationException("No slot.");
                    }

                    workerDirect = slot.BoundWidth == 48;
                    acquired.Set();
                    released.Wait();

                    // The texture is gone, but the memory this slot names must still be the ring's: write all of it.
                    slot.WriteTightRows(ExternalMemoryPattern.Random(48, 48, 2), 48, 48);
                    shared.ReleaseSlot(slot);
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException or ObjectDisposedException)
                {
                    workerError = e;
                    acquired.Set();
                }
            });
            worker.Start();
            acquired.Wait();
            shared.ReleaseTexture(handle);
            PumpFrames(shared, 5);
            int ringsHeld = shared.RingCount;
            int liveHeld = shared.Selection.Vulkan.LiveObjectCount - liveBefore;
            released.Set();
            worker.Join();
            PumpFrames(shared, 3);
            return (workerDirect, workerError, ringsHeld, liveHeld, Rings: shared.RingCount,
                Live: shared.Selection.Vulkan.LiveObjectCount - liveBefore, Direct: shared.DirectImages - directBefore);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.workerError, Is.Null);
            Assert.That(result.workerDirect, Is.True, "the worker got an image of the ring");
            Assert.That(result.ringsHeld, Is.EqualTo(1), "the released texture's ring waits for the worker");
            Assert.That(result.liveHeld, Is.EqualTo(3), "its Vulkan images are alive while the worker writes");
            Assert.That(result.Rings, Is.Zero, "then it is disposed");
            Assert.That(result.Live, Is.Zero, "no Vulkan images leak");
            Assert.That(result.Direct, Is.Zero, "nothing was published for the released texture");
        });
    }

    [Test]
    public void Disposing_while_a_worker_holds_a_direct_slot_waits_for_it_and_leaks_nothing()
    {
        var result = GlTestHost.Run(context =>
        {
            int memfdsBefore = VulkanTestDevice.OpenMemfdCount();
            using TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.VulkanExternalMemory, context.Gl);
            if (selection.Kind != TextureSinkKind.VulkanExternalMemory)
            {
                return (Reason: selection.Reason, WrittenBeforeDisposeReturned: false, Error: (Exception?)null, Live: 0, MemfdsBefore: 0, MemfdsAfter: 0);
            }

            var shared = new ExternalMemoryStreamer(selection, new TextureStreamerOptions { SlotCount = 3, SlotBytes = 32 * 32 * 4 });
            StreamedTextureHandle handle = shared.CreateTexture();
            SubmitPitched(shared, handle, ExternalMemoryPattern.Random(32, 32, 1), 32, 32);
            PumpUntilShown(shared, handle);

            using var acquired = new ManualResetEventSlim();
            using var disposing = new ManualResetEventSlim();
            bool written = false;
            Exception? error = null;
            var worker = new Thread(() =>
            {
                try
                {
                    if (!shared.TryAcquireSlot(handle, 32, 32, out StagingSlot? slot) || slot.BoundWidth != 32)
                    {
                        throw new InvalidOperationException("Expected a direct slot.");
                    }

                    acquired.Set();
                    disposing.Wait();

                    // Give Dispose time to reach the ring (ordering only, nothing is measured).
                    Thread.Sleep(100);
                    slot.WriteTightRows(ExternalMemoryPattern.Random(32, 32, 2), 32, 32);
                    Volatile.Write(ref written, true);
                    shared.ReleaseSlot(slot);
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException or ObjectDisposedException)
                {
                    error = e;
                    acquired.Set();
                }
            });
            worker.Start();
            acquired.Wait();
            disposing.Set();
            shared.Dispose();
            bool writtenBefore = Volatile.Read(ref written);
            worker.Join();
            return (Reason: "", WrittenBeforeDisposeReturned: writtenBefore, Error: error, Live: selection.Vulkan!.LiveObjectCount,
                MemfdsBefore: memfdsBefore, MemfdsAfter: VulkanTestDevice.OpenMemfdCount());
        });

        if (result.Reason.Length > 0)
        {
            Assert.Ignore($"No Vulkan external memory here: {result.Reason}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.Null);
            Assert.That(result.WrittenBeforeDisposeReturned, Is.True, "Dispose waited for the worker's write before freeing the ring");
            Assert.That(result.Live, Is.Zero, "no Vulkan images left");
            Assert.That(result.MemfdsAfter, Is.EqualTo(result.MemfdsBefore), "no exported memory fds left");
        });
    }

    [Test]
    public void Workers_writing_direct_slots_while_textures_are_released_resized_and_the_streamer_disposed_leak_nothing()
    {
        var result = GlTestHost.Run(context =>
        {
            int memfdsBefore = VulkanTestDevice.OpenMemfdCount();
            using TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.VulkanExternalMemory, context.Gl);
            if (selection.Kind != TextureSinkKind.VulkanExternalMemory)
            {
                return (Reason: selection.Reason, Error: (Exception?)null, Direct: 0L, Copied: 0L, Live: 0, MemfdsBefore: 0, MemfdsAfter: 0);
            }

            Exception? workerError = null;
            long direct = 0;
            long copied = 0;
            var random = new Random(17);
            for (int round = 0; round < 4; round++)
            {
                var shared = new ExternalMemoryStreamer(selection, new TextureStreamerOptions { SlotCount = 4, SlotBytes = 48 * 48 * 4 });
                var handles = new List<StreamedTextureHandle> { shared.CreateTexture(), shared.CreateTexture() };
                var targets = new StreamedTextureHandle[] { handles[0], handles[1] };
                var targetsGate = new Lock();
                var written = new System.Collections.Concurrent.ConcurrentQueue<(StagingSlot Slot, StreamedTextureHandle Target, int Size)>();
                using var stop = new CancellationTokenSource();

                // The worker: asks for its target's memory, writes at the pitch, hands the slot over (or gives it back).
                var worker = new Thread(() =>
                {
                    var local = new Random(round);
                    try
                    {
                        Work(local);
                    }
                    catch (Exception e) when (e is InvalidOperationException or ArgumentException or ObjectDisposedException)
                    {
                        workerError = e;
                    }
                });

                void Work(Random local)
                {
                    while (!stop.IsCancellationRequested)
                    {
                        StreamedTextureHandle target;
                        lock (targetsGate)
                        {
                            target = targets[local.Next(2)];
                        }

                        int size = local.Next(3) == 0 ? 32 : 48;
                        if (!shared.TryAcquireSlot(target, size, size, out StagingSlot? slot))
                        {
                            Thread.Sleep(1);
                            continue;
                        }

                        slot.WriteTightRows(ExternalMemoryPattern.Uniform(size, size, (byte)size), size, size);
                        if (local.Next(8) == 0)
                        {
                            shared.ReleaseSlot(slot);
                        }
                        else
                        {
                            written.Enqueue((slot, target, size));
                        }
                    }
                }

                worker.Start();
                for (int frame = 0; frame < 150; frame++)
                {
                    while (written.TryDequeue(out var item))
                    {
                        shared.Submit(item.Slot, item.Target, item.Size, item.Size);
                    }

                    if (random.Next(10) == 0)
                    {
                        // Release one texture and give the worker a new one in its place.
                        int which = random.Next(2);
                        shared.ReleaseTexture(targets[which]);
                        StreamedTextureHandle replacement = shared.CreateTexture();
                        lock (targetsGate)
                        {
                            targets[which] = replacement;
                        }
                    }

                    shared.Upload();
                    shared.EndFrame();
                    Thread.Sleep(random.Next(2));
                }

                stop.Cancel();
                worker.Join();
                while (written.TryDequeue(out var item))
                {
                    // Half of what is left is submitted, the rest given back, just before dispose.
                    if (random.Next(2) == 0)
                    {
                        shared.Submit(item.Slot, item.Target, item.Size, item.Size);
                    }
                    else
                    {
                        shared.ReleaseSlot(item.Slot);
                    }
                }

                direct += shared.DirectImages;
                copied += shared.CopiedImages;
                shared.Dispose();
            }

            return (Reason: "", Error: workerError, Direct: direct, Copied: copied, Live: selection.Vulkan!.LiveObjectCount,
                MemfdsBefore: memfdsBefore, MemfdsAfter: VulkanTestDevice.OpenMemfdCount());
        });

        if (result.Reason.Length > 0)
        {
            Assert.Ignore($"No Vulkan external memory here: {result.Reason}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.Null, "the worker never hit a refused or freed slot");
            Assert.That(result.Direct, Is.GreaterThan(0), "images went the direct path");
            Assert.That(result.Copied, Is.GreaterThan(0), "and the copy path (first images, resizes)");
            Assert.That(result.Live, Is.Zero, "no Vulkan images left");
            Assert.That(result.MemfdsAfter, Is.EqualTo(result.MemfdsBefore), "no exported memory fds left");
        });
    }

    [Test]
    public void A_direct_slot_submitted_to_another_texture_or_twice_is_refused_clearly()
    {
        var options = new TextureStreamerOptions { SlotCount = 3, SlotBytes = 32 * 32 * 4, GenerateMipmaps = false };
        var result = WithStreamer(options, (context, shared) =>
        {
            StreamedTextureHandle handle = shared.CreateTexture();
            StreamedTextureHandle other = shared.CreateTexture();
            SubmitPitched(shared, handle, ExternalMemoryPattern.Random(32, 32, 1), 32, 32);
            PumpUntilShown(shared, handle);
            if (!shared.TryAcquireSlot(handle, 32, 32, out StagingSlot? slot))
            {
                throw new InvalidOperationException("No slot.");
            }

            string wrongTarget = Catch(() => shared.Submit(slot, other, 32, 32));
            shared.Submit(slot, handle, 32, 32);
            string twice = Catch(() => shared.ReleaseSlot(slot));
            PumpFrames(shared, 3);
            return (wrongTarget, twice, shared.DirectImages);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.wrongTarget, Does.Contain("ArgumentException").And.Contain("32×32").And.Contain("Acquire it for the texture"));
            Assert.That(result.twice, Does.Contain("InvalidOperationException").And.Contain("already submitted or given back"));
            Assert.That(result.DirectImages, Is.EqualTo(1), "the slot was published once");
        });
    }

    private static string Catch(Action action)
    {
        try
        {
            action();
            return "";
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>Writes the image as a worker does: asking with the target, row by row at the slot's pitch.</summary>
    private static (bool Direct, int Pitch) SubmitPitched(ExternalMemoryStreamer sink, StreamedTextureHandle handle, byte[] image, int width, int height)
    {
        StagingSlot slot = AcquireFor(sink, handle, width, height);
        int pitch = slot.RowPitch(width);
        Span<byte> memory = slot.GetImage(width, height);
        for (int y = 0; y < height; y++)
        {
            image.AsSpan(y * width * 4, width * 4).CopyTo(memory.Slice(y * pitch));
        }

        sink.Submit(slot, handle, width, height);
        return (slot.BoundWidth != 0, pitch);
    }

    private static StagingSlot AcquireFor(ExternalMemoryStreamer sink, StreamedTextureHandle handle, int width, int height)
    {
        long deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
        StagingSlot? slot;
        while (!sink.TryAcquireSlot(handle, width, height, out slot))
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("No free slot.");
            }

            sink.Upload();
            sink.EndFrame();
            Thread.Sleep(1);
        }

        return slot;
    }

    /// <summary>Runs frames until the handle's texture shows the newest submission and every slot is back; a hang guard.</summary>
    private static void PumpUntilShown(ExternalMemoryStreamer shared, StreamedTextureHandle handle)
    {
        long deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
        while (shared.ShownSubmission(handle) != shared.SubmissionCount || shared.FreeSlotCount != shared.SlotCount)
        {
            shared.Upload();
            shared.EndFrame();
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"The external-memory streamer did not show the image in {Patience}.");
            }

            Thread.Sleep(1);
        }
    }

    private static void PumpFrames(ExternalMemoryStreamer shared, int frames)
    {
        for (int i = 0; i < frames; i++)
        {
            shared.Upload();
            shared.EndFrame();
            Thread.Sleep(2);
        }
    }
}
