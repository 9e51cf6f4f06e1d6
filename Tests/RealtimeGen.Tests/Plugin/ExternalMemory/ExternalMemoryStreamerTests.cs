using NUnit.Framework;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Plugin.Streaming;
using RealtimeGen.Tests.Engine.ExternalMemory;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

using static RealtimeGen.Tests.Plugin.ExternalMemory.StreamerTestHost;

namespace RealtimeGen.Tests.Plugin.ExternalMemory;

public class ExternalMemoryStreamerTests
{
    // 40 pixels = 160 bytes a row, which lavapipe pads to 192; 37×11 is odd in both directions; the rest are tight.
    private static readonly (int Width, int Height)[] Sizes = [(32, 32), (40, 24), (64, 48), (37, 11), (64, 64)];

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public void Images_streamed_through_shared_memory_equal_the_staging_streamers_textures_at_every_size_and_resize()
    {
        var options = new TextureStreamerOptions { SlotCount = 4, SlotBytes = 64 * 64 * 4, GenerateMipmaps = true };
        var result = WithStreamer(options, (context, shared) =>
        {
            using var staging = new TextureStreamer(context.Gl, options);
            StreamedTextureHandle stagingHandle = staging.CreateTexture();
            StreamedTextureHandle sharedHandle = shared.CreateTexture();
            bool nullBeforeFirst = shared.GetTexture(sharedHandle) is null;
            var frames = new List<(byte[] Staged, byte[] Shared, int Replaced, int Rings)>();
            long latched = 0;
            for (int i = 0; i < Sizes.Length; i++)
            {
                (int width, int height) = Sizes[i];
                byte[] image = ExternalMemoryPattern.Random(width, height, seed: 11 + i);
                SubmitTight(staging, stagingHandle, image, width, height);
                SubmitTight(shared, sharedHandle, image, width, height);
                staging.Upload();
                staging.EndFrame();
                int replaced = 0;
                latched++;
                PumpUntil(shared, () => shared.LatchedCount == latched, ref replaced);
                frames.Add((Read(staging.GetTexture(stagingHandle)!), Read(shared.GetTexture(sharedHandle)!), replaced, shared.RingCount));
            }

            // The same size again reuses the ring and the texture.
            byte[] again = ExternalMemoryPattern.Random(64, 64, seed: 99);
            SubmitTight(staging, stagingHandle, again, 64, 64);
            SubmitTight(shared, sharedHandle, again, 64, 64);
            staging.Upload();
            int replacedAgain = 0;
            PumpUntil(shared, () => shared.LatchedCount == latched + 1, ref replacedAgain);
            frames.Add((Read(staging.GetTexture(stagingHandle)!), Read(shared.GetTexture(sharedHandle)!), replacedAgain, shared.RingCount));
            return (nullBeforeFirst, frames, shared.FreeSlotCount, shared.SlotCount);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.nullBeforeFirst, Is.True, "no texture before the first image");
            for (int i = 0; i < result.frames.Count; i++)
            {
                var frame = result.frames[i];
                string size = i < Sizes.Length ? $"{Sizes[i].Width}x{Sizes[i].Height}" : "64x64 again";
                Assert.That(frame.Shared, Is.EqualTo(frame.Staged), $"level 0 at {size}");
                Assert.That(frame.Replaced, Is.EqualTo(i < Sizes.Length ? 1 : 0), $"texture replaced once for a new size ({size})");
                Assert.That(frame.Rings, Is.EqualTo(1), $"the old size's ring is disposed after the frame ({size})");
            }

            Assert.That(result.FreeSlotCount, Is.EqualTo(result.SlotCount), "every slot is back");
        });
    }

    [Test]
    public void Only_the_newest_image_of_a_texture_is_written_and_released_handles_get_nothing()
    {
        var options = new TextureStreamerOptions { SlotCount = 4, SlotBytes = 32 * 32 * 4, GenerateMipmaps = false };
        var result = WithStreamer(options, (context, shared) =>
        {
            StreamedTextureHandle kept = shared.CreateTexture();
            StreamedTextureHandle released = shared.CreateTexture();
            byte[] older = ExternalMemoryPattern.Uniform(32, 32, 10);
            byte[] newer = ExternalMemoryPattern.Uniform(32, 32, 20);
            SubmitTight(shared, kept, older, 32, 32);
            SubmitTight(shared, kept, newer, 32, 32);
            SubmitTight(shared, released, older, 32, 32);
            shared.ReleaseTexture(released);
            int replaced = 0;
            PumpUntil(shared, () => shared.LatchedCount == 1 && shared.FreeSlotCount == shared.SlotCount, ref replaced);
            StreamedTextureHandle reused = shared.CreateTexture();
            return (Read(shared.GetTexture(kept)!), shared.PublishedCount, shared.GetTexture(released), reused.Index == released.Index,
                shared.GetTexture(reused), shared.RingCount, Shown: shared.ShownSubmission(kept), Submitted: shared.SubmissionCount,
                ShownOfReused: shared.ShownSubmission(reused));
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.Item1, Is.EqualTo(ExternalMemoryPattern.Uniform(32, 32, 20)), "latest wins");
            Assert.That(result.PublishedCount, Is.EqualTo(1), "the overtaken and the released images were never written");
            Assert.That(result.Item3, Is.Null);
            Assert.That(result.Item4, Is.True, "the released index is reused");
            Assert.That(result.Item5, Is.Null, "a reused handle starts without a texture");
            Assert.That(result.RingCount, Is.EqualTo(1));
            Assert.That(result.Submitted, Is.EqualTo(3));
            Assert.That(result.Shown, Is.EqualTo(2), "the texture shows the second submission; the first was overtaken");
            Assert.That(result.ShownOfReused, Is.Zero);
        });
    }

    [Test]
    public void Release_resize_and_dispose_in_any_order_leave_no_GL_Vulkan_or_fd_objects()
    {
        var result = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            int memfdsBefore = VulkanTestDevice.OpenMemfdCount();
            using TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.VulkanExternalMemory, gl);
            if (selection.Kind != TextureSinkKind.VulkanExternalMemory)
            {
                return (Reason: selection.Reason, MemfdsBefore: 0, MemfdsAfter: 0, LiveVulkan: 0, LiveGl: 0, SlotsMissing: 0, Textures: 0);
            }

            var random = new Random(5);
            var names = new HashSet<uint>();
            int freeBeforeDispose = 0;
            int slotCount = 0;
            for (int round = 0; round < 6; round++)
            {
                var shared = new ExternalMemoryStreamer(selection, new TextureStreamerOptions { SlotCount = 6, SlotBytes = 48 * 48 * 4 });
                var handles = new List<StreamedTextureHandle>();
                for (int step = 0; step < 40; step++)
                {
                    switch (random.Next(6))
                    {
                        case 0 or 1:
                            handles.Add(shared.CreateTexture());
                            break;
                        case 2 when handles.Count > 0:
                            int victim = random.Next(handles.Count);
                            shared.ReleaseTexture(handles[victim]);
                            handles.RemoveAt(victim);
                            break;
                        default:
                            if (handles.Count > 0 && shared.TryAcquireSlot(out StagingSlot? slot))
                            {
                                // Sizes change often: every change is a resize (a new ring, the old one retired).
                                int width = 8 * random.Next(1, 7);
                                int height = 4 * random.Next(1, 13);
                                ExternalMemoryPattern.Random(width, height, step).CopyTo(slot.GetSpan(width * height * 4));
                                shared.Submit(slot, handles[random.Next(handles.Count)], width, height);
                            }

                            break;
                    }

                    // Frames run at random moments: writes are queued, in flight or latched when handles go.
                    if (random.Next(3) == 0)
                    {
                        shared.Upload();
                        Collect(shared, handles, names);
                        shared.EndFrame();
                    }
                }

                if (round % 2 == 0)
                {
                    // Half the rounds settle first; the others dispose with writes still queued.
                    int replaced = 0;
                    PumpUntil(shared, () => shared.FreeSlotCount == shared.SlotCount, ref replaced);
                    freeBeforeDispose = shared.FreeSlotCount;
                    slotCount = shared.SlotCount;
                }

                shared.Dispose();
            }

            int liveGl = names.Count(name => gl.IsTexture(name));
            return (Reason: "", MemfdsBefore: memfdsBefore, MemfdsAfter: VulkanTestDevice.OpenMemfdCount(), LiveVulkan: selection.Vulkan!.LiveObjectCount,
                LiveGl: liveGl, SlotsMissing: slotCount - freeBeforeDispose, Textures: names.Count);
        });

        if (result.Reason.Length > 0)
        {
            Assert.Ignore($"No Vulkan external memory here: {result.Reason}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(result.SlotsMissing, Is.Zero, "every slot came back before a settled dispose");
            Assert.That(result.Textures, Is.GreaterThan(10), "the test made textures");
            Assert.That(result.LiveVulkan, Is.Zero, "no Vulkan images left on the device");
            Assert.That(result.LiveGl, Is.Zero, "no GL textures (ring or material) left");
            Assert.That(result.MemfdsAfter, Is.EqualTo(result.MemfdsBefore), "no exported memory fds left");
        });
    }

    [Test]
    public void Steady_state_frames_that_submit_write_and_latch_images_allocate_nothing_on_the_render_thread()
    {
        var options = new TextureStreamerOptions { SlotCount = 3, SlotBytes = 32 * 32 * 4, GenerateMipmaps = true };
        var result = WithStreamer(options, (context, shared) =>
        {
            StreamedTextureHandle handle = shared.CreateTexture();
            long deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
            long allocated = 0;
            for (int image = 0; image < 40; image++)
            {
                // The first images create the ring and the texture (warm-up); the rest are measured.
                long before = GC.GetAllocatedBytesForCurrentThread();
                if (!shared.TryAcquireSlot(out StagingSlot? slot))
                {
                    throw new InvalidOperationException("No free slot.");
                }

                slot.GetSpan(32 * 32 * 4).Fill((byte)image);
                shared.Submit(slot, handle, 32, 32);
                long latched = shared.LatchedCount;
                while (shared.LatchedCount == latched || shared.FreeSlotCount != shared.SlotCount)
                {
                    shared.Upload();
                    shared.EndFrame();
                    if (Environment.TickCount64 > deadline)
                    {
                        throw new TimeoutException("The image was not latched.");
                    }

                    Thread.Sleep(1);
                }

                long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
                allocated += image >= 5 ? bytes : 0;
            }

            return (allocated, Read(shared.GetTexture(handle)!));
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.allocated, Is.Zero, "bytes allocated by the render thread over 35 steady-state images");
            Assert.That(result.Item2, Is.EqualTo(ExternalMemoryPattern.Uniform(32, 32, 39)), "the last image is shown");
        });
    }

    [Test]
    public void Resizing_every_frame_while_the_writer_copies_retires_rings_safely_and_ends_on_the_last_image()
    {
        var options = new TextureStreamerOptions { SlotCount = 4, SlotBytes = 256 * 256 * 4, GenerateMipmaps = false };
        var result = WithStreamer(options, (context, shared) =>
        {
            int liveBefore = shared.Selection.Vulkan!.LiveObjectCount;
            StreamedTextureHandle handle = shared.CreateTexture();
            byte[] last = [];
            int lastSize = 0;

            // No pause between frames: the render thread retires the ring the writer is most likely copying into.
            for (int frame = 0; frame < 120; frame++)
            {
                if (shared.TryAcquireSlot(out StagingSlot? slot))
                {
                    lastSize = frame % 2 == 0 ? 256 : 224;
                    last = ExternalMemoryPattern.Random(lastSize, lastSize, frame);
                    last.CopyTo(slot.GetSpan(last.Length));
                    shared.Submit(slot, handle, lastSize, lastSize);
                }

                shared.Upload();
                shared.EndFrame();
            }

            int replaced = 0;
            PumpUntil(shared, () => shared.FreeSlotCount == shared.SlotCount && shared.ShownSubmission(handle) == shared.SubmissionCount, ref replaced);
            Texture2D texture = shared.GetTexture(handle)!;
            return (Shown: Read(texture), Last: last, Size: texture.Width, LastSize: lastSize, Rings: shared.RingCount,
                LiveDuring: shared.Selection.Vulkan.LiveObjectCount - liveBefore);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.Size, Is.EqualTo(result.LastSize));
            Assert.That(result.Shown, Is.EqualTo(result.Last), "the texture ends on the last image submitted");
            Assert.That(result.Rings, Is.EqualTo(1), "every retired ring was disposed once the writer let go");
            Assert.That(result.LiveDuring, Is.EqualTo(3), "one ring of three Vulkan images is left while the streamer lives");
        });
    }

    [Test]
    public void A_selection_without_Vulkan_is_refused_with_its_reason()
    {
        var error = GlTestHost.Run(context =>
        {
            using TextureSinkSelection staging = TextureSinkSelector.Select(TextureSinkKind.CpuStaging, context.Gl);
            try
            {
                using var shared = new ExternalMemoryStreamer(staging);
                return "";
            }
            catch (RealtimeGen.Engine.RealtimeGenException exception)
            {
                return exception.Message;
            }
        });

        Assert.That(error, Does.Contain("needs a selection with a Vulkan device").And.Contain("CpuStaging"));
    }

    /// <summary>Runs frames until <paramref name="done"/>, counting replaced textures; a hang guard, not a timing.</summary>
    private static void PumpUntil(ExternalMemoryStreamer shared, Func<bool> done, ref int replaced)
    {
        long deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
        while (true)
        {
            shared.Upload();
            replaced += shared.ReplacedTextures.Length;
            shared.EndFrame();
            if (done())
            {
                return;
            }

            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"The external-memory streamer did not get there in {Patience}.");
            }

            Thread.Sleep(1);
        }
    }

    private static void Collect(ExternalMemoryStreamer shared, List<StreamedTextureHandle> handles, HashSet<uint> names)
    {
        foreach (StreamedTextureHandle handle in handles)
        {
            if (shared.GetTexture(handle) is { } texture)
            {
                names.Add(texture.Handle);
            }

            if (shared.RingOf(handle) is { } ring)
            {
                for (int i = 0; i < ring.Texture.SlotCount; i++)
                {
                    names.Add(ring.Texture.SlotTexture(i).Handle);
                }
            }
        }
    }
}
