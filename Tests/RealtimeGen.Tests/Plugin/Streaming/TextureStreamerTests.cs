using NUnit.Framework;
using RealtimeGen.Plugin.Streaming;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Plugin.Streaming;

public class TextureStreamerTests
{
    [Test]
    public void An_image_written_into_a_slot_reads_back_from_its_texture()
    {
        var (pixels, written, width, replaced) = GlTestHost.Run(context =>
        {
            using var streamer = new TextureStreamer(context.Gl, new TextureStreamerOptions { SlotCount = 2, SlotBytes = 32 * 16 * 4 });
            StreamedTextureHandle handle = streamer.CreateTexture();
            streamer.TryAcquireSlot(out StagingSlot? slot);
            Span<byte> memory = slot!.GetSpan(32 * 16 * 4);
            for (int i = 0; i < memory.Length; i++)
            {
                memory[i] = (byte)((i * 7) + (i >> 6));
            }

            byte[] written = memory.ToArray();
            streamer.Submit(slot, handle, 32, 16);
            streamer.Upload();
            int replaced = streamer.ReplacedTextures.Length;
            var texture = streamer.GetTexture(handle)!;
            var pixels = new byte[32 * 16 * 4];
            texture.ReadPixels(pixels);
            streamer.EndFrame();
            return (pixels, written, texture.Width, replaced);
        });

        Assert.Multiple(() =>
        {
            Assert.That(pixels, Is.EqualTo(written));
            Assert.That(width, Is.EqualTo(32));
            Assert.That(replaced, Is.EqualTo(1), "the first image creates the texture");
        });
    }

    [Test]
    public void Slots_are_not_reused_before_their_fence_signals()
    {
        var fences = new HeldFences();
        var result = GlTestHost.Run(context =>
        {
            using var streamer = new TextureStreamer(context.Gl, new TextureStreamerOptions { SlotCount = 2, SlotBytes = 16 * 16 * 4 }, fences);
            StreamedTextureHandle a = streamer.CreateTexture();
            StreamedTextureHandle b = streamer.CreateTexture();
            streamer.TryAcquireSlot(out StagingSlot? first);
            streamer.TryAcquireSlot(out StagingSlot? second);
            streamer.Submit(first!, a, 16, 16);
            streamer.Submit(second!, b, 16, 16);
            streamer.Upload();
            int inFlight = streamer.InFlightCount;

            // The GPU has not passed the fences: frames go on, nothing is recycled, nothing waits.
            var held = new List<bool>();
            for (int frame = 0; frame < 3; frame++)
            {
                streamer.Upload();
                streamer.EndFrame();
                held.Add(streamer.TryAcquireSlot(out _));
            }

            fences.Signalled.Add(fences.Inserted[0]);
            streamer.Upload();
            bool oneFree = streamer.TryAcquireSlot(out StagingSlot? recycled);
            int stillInFlight = streamer.InFlightCount;
            fences.SignalAll();
            streamer.EndFrame();
            int freeAtEnd = streamer.FreeSlotCount;
            streamer.ReleaseSlot(recycled!);
            return (inFlight, held, oneFree, recycled!.Index, first!.Index, stillInFlight, freeAtEnd, fences.Live.Count);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.inFlight, Is.EqualTo(2));
            Assert.That(result.held, Is.All.False, "no slot may be handed out while its fence is unsignalled");
            Assert.That(result.oneFree, Is.True);
            Assert.That(result.Item4, Is.EqualTo(result.Item5), "the recycled slot is the one whose fence signalled");
            Assert.That(result.stillInFlight, Is.EqualTo(1));
            Assert.That(result.freeAtEnd, Is.EqualTo(1), "one slot was taken again, the other recycled");
            Assert.That(result.Item8, Is.Zero, "signalled fences are deleted");
        });
    }

    [Test]
    public void Uploads_stop_at_the_frame_budget_and_only_the_newest_image_of_a_texture_is_uploaded()
    {
        var result = GlTestHost.Run(context =>
        {
            const int Bytes = 32 * 32 * 4;
            using var streamer = new TextureStreamer(
                context.Gl, new TextureStreamerOptions { SlotCount = 6, SlotBytes = Bytes, UploadBudgetBytes = (2 * Bytes) + 100 });
            var handles = new[] { streamer.CreateTexture(), streamer.CreateTexture(), streamer.CreateTexture() };
            StagingSlot Fill(byte value)
            {
                streamer.TryAcquireSlot(out StagingSlot? slot);
                slot!.GetSpan(Bytes).Fill(value);
                return slot;
            }

            streamer.Submit(Fill(10), handles[0], 32, 32);
            streamer.Submit(Fill(20), handles[0], 32, 32);
            streamer.Submit(Fill(30), handles[1], 32, 32);
            streamer.Submit(Fill(40), handles[2], 32, 32);
            streamer.Upload();
            int firstFrame = streamer.LastUploadBytes;
            int pendingAfterFirst = streamer.PendingCount;
            streamer.Upload();
            int secondFrame = streamer.LastUploadBytes;
            var first = new byte[Bytes];
            streamer.GetTexture(handles[0])!.ReadPixels(first);
            var third = new byte[Bytes];
            streamer.GetTexture(handles[2])!.ReadPixels(third);
            return (firstFrame, pendingAfterFirst, secondFrame, first[0], third[0]);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.firstFrame, Is.EqualTo(2 * 32 * 32 * 4), "the stale image of texture 0 is skipped, two fit the budget");
            Assert.That(result.pendingAfterFirst, Is.EqualTo(1));
            Assert.That(result.secondFrame, Is.EqualTo(32 * 32 * 4));
            Assert.That(result.Item4, Is.EqualTo(20), "texture 0 shows its newest image");
            Assert.That(result.Item5, Is.EqualTo(40));
        });
    }

    [Test]
    public void A_new_size_replaces_the_texture_and_the_old_one_lives_until_the_frame_ends()
    {
        var result = GlTestHost.Run(context =>
        {
            using var streamer = new TextureStreamer(context.Gl, new TextureStreamerOptions { SlotCount = 2, SlotBytes = 64 * 64 * 4 });
            StreamedTextureHandle handle = streamer.CreateTexture();
            streamer.TryAcquireSlot(out StagingSlot? slot);
            streamer.Submit(slot!, handle, 32, 32);
            streamer.Upload();
            var small = streamer.GetTexture(handle)!;
            streamer.EndFrame();
            streamer.TryAcquireSlot(out slot);
            streamer.Submit(slot!, handle, 64, 32);
            streamer.Upload();
            var large = streamer.GetTexture(handle)!;
            uint oldHandleDuringFrame = small.Handle;
            int replaced = streamer.ReplacedTextures.Length;
            streamer.EndFrame();
            return (oldHandleDuringFrame, small.Handle, large.Width, large.Height, replaced, ReferenceEquals(small, large));
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.oldHandleDuringFrame, Is.Not.Zero, "the old texture is still drawable in its last frame");
            Assert.That(result.Item2, Is.Zero, "and deleted after it");
            Assert.That((result.Item3, result.Item4), Is.EqualTo((64, 32)));
            Assert.That(result.replaced, Is.EqualTo(1));
            Assert.That(result.Item6, Is.False);
        });
    }

    [Test]
    public void Submitting_an_image_larger_than_a_slot_names_the_sizes()
    {
        var message = GlTestHost.Run(context =>
        {
            using var streamer = new TextureStreamer(context.Gl, new TextureStreamerOptions { SlotCount = 2, SlotBytes = 16 * 16 * 4 });
            StreamedTextureHandle handle = streamer.CreateTexture();
            streamer.TryAcquireSlot(out StagingSlot? slot);
            try
            {
                streamer.Submit(slot!, handle, 32, 32);
                return "no exception";
            }
            catch (ArgumentOutOfRangeException e)
            {
                streamer.ReleaseSlot(slot!);
                return e.Message;
            }
        });

        Assert.That(message, Does.Contain("32×32").And.Contain("1024"));
    }
}
