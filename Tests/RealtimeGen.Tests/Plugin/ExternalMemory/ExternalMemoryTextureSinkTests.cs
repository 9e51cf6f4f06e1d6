using NUnit.Framework;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Plugin.ExternalMemory;

public class ExternalMemoryTextureSinkTests
{
    [Test]
    public void Pipeline_output_written_into_shared_memory_equals_the_CPU_staging_texture()
    {
        var request = new GenerationRequest { Prompt = "mossy stone wall", Seed = 7, Steps = 2, Width = 64, Height = 64 };
        LcmPipeline pipeline = ShippedModel.Pipeline;
        byte[] reference = pipeline.Generate(request);

        // Staging path: upload the CPU frame into an ordinary texture and read it back.
        byte[] staged = GlTestHost.Run(context =>
        {
            using var texture = new Texture2D(context.Gl, 64, 64, mipLevels: 1);
            texture.Upload(reference);
            var pixels = new byte[reference.Length];
            texture.ReadPixels(pixels);
            return pixels;
        });

        (TextureSinkSelection? selection, ExternalMemoryTextureSink? sink, string reason) = GlTestHost.Run(context =>
        {
            TextureSinkSelection chosen = TextureSinkSelector.Select(TextureSinkKind.VulkanExternalMemory, context.Gl);
            if (chosen.Kind != TextureSinkKind.VulkanExternalMemory)
            {
                chosen.Dispose();
                return ((TextureSinkSelection?)null, (ExternalMemoryTextureSink?)null, chosen.Reason);
            }

            return (chosen, new ExternalMemoryTextureSink(chosen, 64, 64), chosen.Reason);
        });

        if (selection is null || sink is null)
        {
            Assert.Ignore($"No Vulkan external memory here: {reason}");
            return;
        }

        try
        {
            // Worker side (this thread): the pipeline writes its RGBA conversion straight into the shared image.
            bool published = sink.TryPublish((pipeline, request), static (state, rgba) =>
                state.pipeline.Generate(state.request, rgba, default, null, null));
            (bool latched, byte[] shared, long frame, byte[] copied) = GlTestHost.Run(context =>
            {
                bool any = sink.Latch();
                var pixels = new byte[64 * 64 * 4];
                sink.Texture.Current!.ReadPixels(pixels);
                using var material = new Texture2D(context.Gl, 64, 64, mipLevels: 1);
                _ = sink.CopyCurrentTo(material);
                var copy = new byte[64 * 64 * 4];
                material.ReadPixels(copy);
                return (any, pixels, sink.FrameNumber, copy);
            });

            Assert.That(published, Is.True);
            Assert.That(latched, Is.True);
            Assert.That(frame, Is.EqualTo(1));
            Assert.That(shared, Is.EqualTo(staged), "the shared-memory texture must equal the staging texture");
            Assert.That(copied, Is.EqualTo(staged), "the GPU copy into an ordinary texture too");
            Assert.That(sink.PitchedCopies, Is.Zero, "64-pixel rows are tightly packed on lavapipe: no scratch copy");
        }
        finally
        {
            GlTestHost.Run(_ =>
            {
                sink.Dispose();
                selection.Dispose();
            });
        }
    }

    [Test]
    public void A_full_ring_refuses_a_frame_and_a_failing_writer_publishes_nothing()
    {
        (bool thirdAccepted, long frameAfterFailure, bool failed, long frame) = GlTestHost.Run(context =>
        {
            using TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.VulkanExternalMemory, context.Gl);
            if (selection.Kind != TextureSinkKind.VulkanExternalMemory)
            {
                return (false, -1L, false, -1L);
            }

            using var sink = new ExternalMemoryTextureSink(selection, 32, 32, slotCount: 2);
            bool threw = false;
            try
            {
                _ = sink.TryPublish(0, static (_, _) => throw new InvalidOperationException("decoder failed"));
            }
            catch (InvalidOperationException)
            {
                threw = true;
            }

            _ = sink.Latch();
            long afterFailure = sink.FrameNumber;
            _ = sink.TryPublish(new byte[32 * 32 * 4]);
            _ = sink.Latch();
            _ = sink.TryPublish(new byte[32 * 32 * 4]);
            _ = sink.Latch();

            // One slot shown, one retiring behind a fence not yet polled: no room.
            bool third = sink.TryPublish(new byte[32 * 32 * 4]);
            return (third, afterFailure, threw, sink.FrameNumber);
        });

        if (frame < 0)
        {
            Assert.Ignore("No Vulkan external memory here.");
        }

        Assert.That(failed, Is.True);
        Assert.That(frameAfterFailure, Is.Zero, "a writer that threw published nothing");
        Assert.That(thirdAccepted, Is.False);
        Assert.That(frame, Is.EqualTo(2));
    }

    [Test]
    public void Disposing_the_selection_before_the_sink_leaks_nothing()
    {
        (bool available, int memfdsBefore, int memfdsAfter, int liveTextures) = GlTestHost.Run(context =>
        {
            int before = VulkanTestDevice.OpenMemfdCount();
            TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.VulkanExternalMemory, context.Gl);
            if (selection.Kind != TextureSinkKind.VulkanExternalMemory)
            {
                selection.Dispose();
                return (false, 0, 0, 0);
            }

            var sink = new ExternalMemoryTextureSink(selection, 48, 48);
            _ = sink.TryPublish(new byte[48 * 48 * 4]);
            _ = sink.Latch();
            uint[] names = [.. Enumerable.Range(0, sink.Texture.SlotCount).Select(i => sink.Texture.SlotTexture(i).Handle)];
            selection.Dispose();
            sink.Dispose();
            return (true, before, VulkanTestDevice.OpenMemfdCount(), names.Count(name => context.Gl.IsTexture(name)));
        });

        if (!available)
        {
            Assert.Ignore("No Vulkan external memory here.");
        }

        Assert.That(liveTextures, Is.Zero);
        Assert.That(memfdsAfter, Is.EqualTo(memfdsBefore));
    }

    [Test]
    public void Padded_rows_go_through_the_scratch_frame_and_still_read_back_exactly()
    {
        // 37 pixels = 148 bytes a row; lavapipe pads rows to 64-byte multiples (192).
        byte[] frame = RealtimeGen.Tests.Engine.ExternalMemory.ExternalMemoryPattern.Random(37, 11, seed: 3);
        (bool available, int rowPitch, long pitched, byte[] shown) = GlTestHost.Run(context =>
        {
            using TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.VulkanExternalMemory, context.Gl);
            if (selection.Kind != TextureSinkKind.VulkanExternalMemory)
            {
                return (false, 0, 0L, Array.Empty<byte>());
            }

            using var sink = new ExternalMemoryTextureSink(selection, 37, 11);
            _ = sink.TryPublish(frame, static (source, rgba) => source.CopyTo(rgba));
            _ = sink.Latch();
            var pixels = new byte[frame.Length];
            sink.Texture.Current!.ReadPixels(pixels);
            return (true, sink.Texture.SlotImage(0).RowPitch, sink.PitchedCopies, pixels);
        });

        if (!available)
        {
            Assert.Ignore("No Vulkan external memory here.");
        }

        Assert.That(shown, Is.EqualTo(frame));
        Assert.That(pitched, Is.EqualTo(rowPitch == 37 * 4 ? 0 : 1), $"row pitch {rowPitch}");
    }
}
