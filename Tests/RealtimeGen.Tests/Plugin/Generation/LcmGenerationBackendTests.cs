using NUnit.Framework;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;
using RealtimeGen.Plugin.Watermarking;

namespace RealtimeGen.Tests.Plugin.Generation;

public class LcmGenerationBackendTests
{
    private static readonly GenerationRequest Request = new() { Prompt = "slate", Seed = 5, Steps = 2, Width = 64, Height = 64, Seamless = true };

    [Test]
    public void The_cache_key_is_the_bakers_key_for_the_package_and_watermark_setting()
    {
        using var backend = new LcmGenerationBackend(ShippedModel.Pipeline, ownsPipeline: false);
        AssetKey expected = AssetKey.For(Request, ModelFingerprint.Compute(ShippedModel.Directory), watermarked: false);
        Assert.Multiple(() =>
        {
            Assert.That(backend.CacheKeyOf(Request), Is.EqualTo(expected));
            Assert.That(backend.CacheKeyOf(Request with { Seed = 6 })!.Hash, Is.Not.EqualTo(expected.Hash));
        });
    }

    [Test]
    public void Outputs_the_key_cannot_name_have_no_cache_key()
    {
        using var filtered = new LcmGenerationBackend(ShippedModel.Pipeline, ownsPipeline: false) { FinalImageFilter = (_, _, _) => { } };
        using var customMark = LcmGenerationBackend.Load(
            ShippedModel.Directory,
            new LcmPipelineOptions { Inference = new() { IntraOpThreads = 1 }, WatermarkPayload = new WatermarkPayload(1, 2) });
        Assert.Multiple(() =>
        {
            Assert.That(filtered.CacheKeyOf(Request), Is.Null, "a host's filter changes the final image");
            Assert.That(customMark.CacheKeyOf(Request), Is.Null, "the key names the watermark as on or off, not its payload");
        });
    }

    [Test]
    public void Previews_and_the_final_image_decode_straight_into_slots_with_padded_rows_as_the_tight_pipeline_output()
    {
        GenerationRequest request = Request with { Seamless = false, Width = 64, Height = 32 };
        var tightPreviews = new List<byte[]>();
        LcmStepCallback collect = (in LcmStepProgress progress) =>
        {
            if (progress.Step < progress.StepCount)
            {
                var preview = new byte[64 * 32 * 4];
                ShippedModel.Pipeline.DecodePreview(preview);
                tightPreviews.Add(preview);
            }
        };
        var tight = new byte[64 * 32 * 4];
        ShippedModel.Pipeline.Generate(request, tight, default, collect, null);

        using var backend = new LcmGenerationBackend(ShippedModel.Pipeline, ownsPipeline: false);
        var output = new PitchedSlotOutput(64, 32, padding: 48, keepsFinal: false);
        backend.Generate(Job(request), output, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(output.Final, Is.EqualTo(tight));
            Assert.That(output.Previews, Is.EqualTo(tightPreviews));
            Assert.That(output.Previews, Has.Count.EqualTo(request.Steps - 1));
            Assert.That(output.PaddingUntouched, Is.True, "bytes between the rows are not written");
        });
    }

    [Test]
    public void A_final_image_filter_and_a_kept_copy_still_reach_a_slot_with_padded_rows()
    {
        GenerationRequest request = Request with { Seamless = false, Width = 32, Height = 32 };
        byte[] expected = ShippedModel.Pipeline.Generate(request);
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] = (byte)(255 - expected[i]);
        }

        FinalImageFilter invert = (rgba, _, _) =>
        {
            for (int i = 0; i < rgba.Length; i++)
            {
                rgba[i] = (byte)(255 - rgba[i]);
            }
        };
        using var backend = new LcmGenerationBackend(ShippedModel.Pipeline, ownsPipeline: false) { FinalImageFilter = invert };
        var filtered = new PitchedSlotOutput(32, 32, padding: 64, keepsFinal: false);
        backend.Generate(Job(request), filtered, CancellationToken.None);
        var kept = new PitchedSlotOutput(32, 32, padding: 64, keepsFinal: true);
        backend.Generate(Job(request), kept, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(filtered.Final, Is.EqualTo(expected), "the filter saw tight rows and its result was written at the pitch");
            Assert.That(kept.Final, Is.EqualTo(expected));
            Assert.That(kept.Kept, Is.EqualTo(expected), "the kept copy is the tightly packed final image");
            Assert.That(filtered.PaddingUntouched && kept.PaddingUntouched, Is.True);
        });
    }

    private static GenerationJob Job(GenerationRequest request) => new(1, 1, request, 0, false, 1, StreamedTextureHandle.None);
}
