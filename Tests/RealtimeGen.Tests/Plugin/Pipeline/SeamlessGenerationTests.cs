using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Tests.Plugin.Pipeline;

/// <summary>
/// Seamless generation for any model (circular latent padding around the UNet and the decoder), windowed decoding
/// of large images, and sizes. A package whose UNet and decoder zero-pad (hand-written, so it does not tile by
/// itself) shows the method works where the model does not help; the shipped package covers the real graph.
/// </summary>
public class SeamlessGenerationTests
{
    private string _package = "";
    private LcmPipeline _zeroPadded = null!;

    [OneTimeSetUp]
    public void CreatePackage()
    {
        _package = ShippedModel.CopyToTemp();
        File.WriteAllBytes(Path.Combine(_package, "unet", "model.onnx"), HandWrittenOnnx.ZeroPaddedBlurUnet());
        File.WriteAllBytes(Path.Combine(_package, "vae_decoder", "model.onnx"), HandWrittenOnnx.ZeroPaddedUpsamplingDecoder());
        _zeroPadded = LcmPipeline.Load(_package, new LcmPipelineOptions
        {
            Inference = new InferenceOptions { IntraOpThreads = 1 },
            Watermark = false,
            SeamlessPadding = 4,
        });
    }

    [OneTimeTearDown]
    public void RemovePackage()
    {
        _zeroPadded.Dispose();
        Directory.Delete(_package, recursive: true);
    }

    private static GenerationRequest Request(int size = 128) =>
        new() { Prompt = "cobblestones", Seed = 11, Width = size, Height = size, GuidanceScale = 1.0 };

    [Test]
    public void A_model_that_does_not_tile_gives_a_seam_unless_seamless_is_on()
    {
        byte[] plain = _zeroPadded.Generate(Request());
        byte[] seamless = _zeroPadded.Generate(Request() with { Seamless = true });
        byte[] rolled = _zeroPadded.Generate(Request() with { Seamless = true, SeamlessRoll = true });

        double plainRatio = SeamMetric.Measure(plain, 128, 128);
        Assert.Multiple(() =>
        {
            Assert.That(plainRatio, Is.GreaterThan(SeamMetric.DefaultLimit), "same seed without seamless");
            Assert.That(SeamMetric.Measure(seamless, 128, 128), Is.LessThanOrEqualTo(SeamMetric.DefaultLimit), "seamless");
            Assert.That(SeamMetric.Measure(rolled, 128, 128), Is.LessThanOrEqualTo(SeamMetric.DefaultLimit), "seamless with roll");
        });
    }

    [Test]
    public void Seamless_output_of_the_shipped_model_passes_the_seam_metric_and_is_deterministic()
    {
        LcmPipeline pipeline = ShippedModel.Pipeline;
        GenerationRequest request = Request(256) with { GuidanceScale = 8.5, Seamless = true, SeamlessRoll = true };
        byte[] first = pipeline.Generate(request);
        byte[] second = pipeline.Generate(request);

        Assert.That(second, Is.EqualTo(first));
        Assert.That(SeamMetric.Measure(first, 256, 256), Is.LessThanOrEqualTo(SeamMetric.DefaultLimit));
    }

    [Test]
    public void Rolling_changes_the_image_but_each_setting_is_reproducible()
    {
        // The shipped UNet pads circularly over the padded canvas, so where the roll puts the canvas border matters.
        GenerationRequest request = Request() with { Seamless = true, GuidanceScale = 8.5 };
        byte[] still = ShippedModel.Pipeline.Generate(request);
        byte[] rolled = ShippedModel.Pipeline.Generate(request with { SeamlessRoll = true });
        byte[] again = ShippedModel.Pipeline.Generate(request with { SeamlessRoll = true });
        Assert.That(rolled.AsSpan().SequenceEqual(still), Is.False, "roll changes the image");
        Assert.That(again.AsSpan().SequenceEqual(rolled), Is.True, "the same roll again");
    }

    [Test]
    public void A_decode_over_the_budget_is_tiled_and_matches_the_whole_decode()
    {
        using var tiled = LcmPipeline.Load(_package, new LcmPipelineOptions
        {
            Inference = new InferenceOptions { IntraOpThreads = 1 },
            Watermark = false,
            DecodeBudgetPixels = 64 * 64,
            DecodeTileLatents = 8,
            DecodeOverlapLatents = 2,
        });
        GenerationRequest request = Request(256) with { Width = 256, Height = 192 };
        byte[] whole = _zeroPadded.Generate(request);
        byte[] windowed = tiled.Generate(request);

        double sum = 0;
        int worst = 0;
        for (int i = 0; i < whole.Length; i++)
        {
            int d = Math.Abs(whole[i] - windowed[i]);
            sum += d;
            worst = Math.Max(worst, d);
        }

        // Windows overlap by two latent cells and the decoder reaches half a cell past a window's border; the
        // blend gives that border zone (almost) no weight, so only rounding differs.
        Assert.That(sum / whole.Length, Is.LessThan(0.05), "mean difference");
        Assert.That(worst, Is.LessThanOrEqualTo(2), "largest difference");
        Assert.That(windowed.AsSpan().IndexOfAnyExcept((byte)0), Is.GreaterThanOrEqualTo(0), "not blank");
    }

    [Test]
    public void Seamless_and_tiled_together_still_tile()
    {
        using var tiled = LcmPipeline.Load(_package, new LcmPipelineOptions
        {
            Inference = new InferenceOptions { IntraOpThreads = 1 },
            Watermark = false,
            SeamlessPadding = 4,
            DecodeBudgetPixels = 64 * 64,
            DecodeTileLatents = 8,
        });
        byte[] image = tiled.Generate(Request(256) with { Seamless = true });
        Assert.That(SeamMetric.Measure(image, 256, 256), Is.LessThanOrEqualTo(SeamMetric.DefaultLimit));
    }

    [Test]
    public void Seamless_img2img_of_a_tiling_image_tiles()
    {
        var rgba = new byte[128 * 128 * 4];
        for (int y = 0; y < 128; y++)
        {
            for (int x = 0; x < 128; x++)
            {
                int p = ((y * 128) + x) * 4;
                rgba[p] = (byte)(128 + (90 * Math.Sin(2 * Math.PI * x / 64)));
                rgba[p + 1] = (byte)(128 + (90 * Math.Cos(2 * Math.PI * y / 32)));
                rgba[p + 2] = 90;
                rgba[p + 3] = 255;
            }
        }

        InitImage init = InitImage.FromRgba(rgba, 128, 128, 128, 128);
        GenerationRequest request = Request() with { GuidanceScale = 8.5, InitImage = init, Strength = 0.5, Steps = 2, Seamless = true };
        byte[] varied = ShippedModel.Pipeline.Generate(request);
        byte[] reconstructed = ShippedModel.Pipeline.Generate(request with { Strength = 0 });

        Assert.That(SeamMetric.Measure(varied, 128, 128), Is.LessThanOrEqualTo(SeamMetric.DefaultLimit));
        Assert.That(SeamMetric.Measure(reconstructed, 128, 128), Is.LessThanOrEqualTo(SeamMetric.DefaultLimit));
        Assert.That(varied.AsSpan().SequenceEqual(reconstructed), Is.False);
    }

    [TestCase(128, 384)]
    [TestCase(1024, 128)]
    public void Non_square_and_large_sizes_generate_at_the_requested_size(int width, int height)
    {
        byte[] image = ShippedModel.Pipeline.Generate(Request() with { Width = width, Height = height, Steps = 1, Seamless = true });
        Assert.That(image, Has.Length.EqualTo(width * height * 4));
        Assert.That(SeamMetric.Measure(image, width, height), Is.LessThanOrEqualTo(SeamMetric.DefaultLimit));
    }

    [TestCase(true, true, true)]
    [TestCase(false, true, false)]
    public void Seamless_marked_and_windowed_generation_allocates_nothing_after_the_first_run(bool seamless, bool mark, bool roll)
    {
        using var pipeline = LcmPipeline.Load(ShippedModel.Directory, new LcmPipelineOptions
        {
            Inference = new InferenceOptions { IntraOpThreads = 1 },
            DecodeBudgetPixels = 64 * 64,
            DecodeTileLatents = 8,
            Watermark = mark,
        });
        GenerationRequest request = Request() with { GuidanceScale = 8.5, Seamless = seamless, SeamlessRoll = roll };
        var destination = new byte[LcmPipeline.RgbaByteCount(request)];
        pipeline.Generate(request, destination, default, null, null);
        pipeline.Generate(request, destination, default, null, null);

        GenerationRequest another = request with { Seed = 12 };
        long before = GC.GetAllocatedBytesForCurrentThread();
        pipeline.Generate(another, destination, default, null, null);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void A_size_the_unet_cannot_take_is_a_clear_error_with_a_size_that_works()
    {
        var e = Assert.Throws<RealtimeGenException>(() => ShippedModel.Pipeline.Generate(Request() with { Width = 136, Height = 136, Steps = 1 }));
        Assert.That(e!.Message, Does.Contain("136×136").And.Contain("multiples of 32").And.Contain("160×160"));
    }

    [Test]
    public void Seamless_with_no_padding_configured_is_refused()
    {
        using var pipeline = LcmPipeline.Load(_package, new LcmPipelineOptions { SeamlessPadding = 0, Watermark = false });
        var e = Assert.Throws<RealtimeGenException>(() => pipeline.Generate(Request() with { Seamless = true }));
        Assert.That(e!.Message, Does.Contain("SeamlessPadding"));
    }
}
