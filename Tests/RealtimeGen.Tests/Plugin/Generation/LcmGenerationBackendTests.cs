using NUnit.Framework;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Pipeline;
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
}
