using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Tests.Plugin.Pipeline;

public class LcmPipelineTests
{
    private static LcmPipeline Pipeline => ShippedModel.Pipeline;

    private static GenerationRequest Request(string prompt = "mossy red brick wall", long seed = 1) =>
        new() { Prompt = prompt, Seed = seed, Steps = 4, Width = 128, Height = 128 };

    [Test]
    public void Same_request_gives_bit_identical_output()
    {
        byte[] first = Pipeline.Generate(Request());
        Pipeline.PromptCache.Clear();
        byte[] second = Pipeline.Generate(Request());
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void Different_seeds_give_different_images()
    {
        byte[] a = Pipeline.Generate(Request(seed: 1));
        byte[] b = Pipeline.Generate(Request(seed: 2));
        Assert.That(b, Is.Not.EqualTo(a));
    }

    [Test]
    public void Output_is_opaque_rgba_of_the_requested_size_with_content()
    {
        byte[] image = Pipeline.Generate(Request() with { Width = 64, Height = 96 });
        Assert.That(image, Has.Length.EqualTo(64 * 96 * 4));
        var values = new HashSet<byte>();
        for (int i = 0; i < image.Length; i += 4)
        {
            Assert.That(image[i + 3], Is.EqualTo(255));
            values.Add(image[i]);
        }

        Assert.That(values, Has.Count.GreaterThan(8), "a flat image means the decoder output was not read");
    }

    [Test]
    public void Denoising_steps_allocate_no_managed_memory_after_warm_up()
    {
        GenerationRequest request = Request();
        var destination = new byte[LcmPipeline.RgbaByteCount(request)];
        int steps = 0;
        LcmStepCallback onStep = (in LcmStepProgress progress) => steps++;
        var timings = new GenerationTimings();
        Pipeline.Generate(request, destination, default, onStep, timings);

        const int Runs = 5;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Runs; i++)
        {
            Pipeline.Generate(request, destination, default, onStep, timings);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(steps, Is.EqualTo((Runs + 1) * request.Steps));
        Assert.That(allocated, Is.Zero, $"{allocated} bytes over {Runs * request.Steps} steps");
    }

    [Test]
    public void Batch_images_use_their_own_noise_streams()
    {
        byte[] batch = Pipeline.Generate(Request() with { BatchSize = 2 });
        int size = 128 * 128 * 4;
        Assert.That(batch.AsSpan(0, size).SequenceEqual(batch.AsSpan(size, size)), Is.False);

        // Image 0 of a batch uses stream 0 like a batch of one; results agree up to batched-kernel rounding.
        byte[] single = Pipeline.Generate(Request());
        int close = 0;
        for (int i = 0; i < size; i++)
        {
            close += Math.Abs(single[i] - batch[i]) <= 2 ? 1 : 0;
        }

        Assert.That(close, Is.GreaterThan(size * 99 / 100));
    }

    [Test]
    public void Progress_reports_every_step_with_predicted_x0_and_decoded_preview()
    {
        GenerationRequest request = Request();
        var destination = new byte[LcmPipeline.RgbaByteCount(request)];
        var preview = new byte[destination.Length];
        var seen = new List<(int Step, int Timestep, float LatentSum, byte[] Preview)>();
        Pipeline.Generate(request, destination, preview, (in LcmStepProgress p) =>
        {
            float sum = 0;
            foreach (float v in p.PredictedLatents)
            {
                sum += Math.Abs(v);
            }

            seen.Add((p.Step, p.Timestep, sum, p.PreviewRgba.ToArray()));
        }, null);

        Assert.That(seen.Select(s => s.Step), Is.EqualTo(new[] { 1, 2, 3, 4 }));
        Assert.That(seen.Select(s => s.Timestep), Is.EqualTo(new[] { 999, 759, 499, 259 }));
        Assert.That(seen.All(s => s.LatentSum > 0), Is.True);

        // The last step's x₀ is the final latent, so its preview is the output image.
        Assert.That(seen[^1].Preview, Is.EqualTo(destination));
    }

    [Test]
    public void Cancelling_between_steps_stops_the_generation()
    {
        using var cancellation = new CancellationTokenSource();
        int steps = 0;
        Assert.Throws<OperationCanceledException>(() => Pipeline.Generate(Request(), (in LcmStepProgress p) =>
        {
            steps++;
            cancellation.Cancel();
        }, cancellation.Token));
        Assert.That(steps, Is.EqualTo(1));

        // The pipeline stays usable: the terminate flag is cleared for the next generation.
        Assert.That(Pipeline.Generate(Request()), Has.Length.EqualTo(128 * 128 * 4));
    }

    [Test]
    public void Cancelling_from_another_thread_terminates_a_running_generation()
    {
        using var cancellation = new CancellationTokenSource();
        var request = Request() with { Width = 512, Height = 512, Steps = 8 };
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(5));
        Assert.Catch<OperationCanceledException>(() => Pipeline.Generate(request, null, cancellation.Token));
    }

    [Test]
    public void Empty_prompt_is_unconditional_generation()
    {
        byte[] unconditional = Pipeline.Generate(Request(prompt: ""));
        byte[] conditional = Pipeline.Generate(Request());
        Assert.That(unconditional, Has.Length.EqualTo(conditional.Length));
        Assert.That(unconditional, Is.Not.EqualTo(conditional));
    }

    [Test]
    public void A_10000_character_prompt_is_truncated_and_logged()
    {
        var logger = new ListLogger();
        using var pipeline = LcmPipeline.Load(ShippedModel.Directory, new LcmPipelineOptions { Inference = new() { IntraOpThreads = 1 } }, logger);
        string prompt = string.Concat(Enumerable.Repeat("red brick ", 1000));
        byte[] image = pipeline.Generate(Request(prompt: prompt) with { Width = 32, Height = 32 });
        Assert.That(image, Has.Length.EqualTo(32 * 32 * 4));
        Assert.That(logger.Entries.Any(e => e.Message.Contains("truncated", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public void A_prompt_longer_than_the_UNets_16_text_states_is_logged_as_truncated_to_16()
    {
        var logger = new ListLogger();
        using var pipeline = LcmPipeline.Load(ShippedModel.Directory, new LcmPipelineOptions { Inference = new() { IntraOpThreads = 1 } }, logger);
        pipeline.EncodePrompt("mossy red brick wall");
        Assert.That(logger.Entries.Any(e => e.Message.Contains("truncated", StringComparison.Ordinal)), Is.False);

        pipeline.EncodePrompt(string.Concat(Enumerable.Repeat("red brick ", 10)));

        Assert.That(logger.Entries.Any(e => e.Message.Contains("Prompt of 22 tokens truncated to 16", StringComparison.Ordinal)), Is.True,
            string.Join("; ", logger.Entries.Select(e => e.Message)));
    }

    [TestCase(100, 128)]
    [TestCase(128, 4)]
    [TestCase(0, 128)]
    [TestCase(4096, 128)]
    [TestCase(48, 128)]
    public void Sizes_that_are_not_multiples_of_the_models_cell_or_out_of_range_are_refused(int width, int height)
    {
        Assert.That(Pipeline.Package.SizeMultiple, Is.EqualTo(32), "three UNet levels: 8 × 2 × 2");
        var e = Assert.Throws<RealtimeGenException>(() => Pipeline.Generate(Request() with { Width = width, Height = height }));
        Assert.That(e!.Message, Does.Contain("multiples of 32").And.Contain($"{width}×{height}"));
    }

    [TestCase(0)]
    [TestCase(51)]
    public void Steps_0_or_over_50_are_refused(int steps)
    {
        var e = Assert.Throws<RealtimeGenException>(() => Pipeline.Generate(Request() with { Steps = steps }));
        Assert.That(e!.Message, Does.Contain("steps"));
    }

    [Test]
    public void Img2img_at_strength_0_returns_the_vae_reconstruction_of_the_input()
    {
        LcmPipeline pipeline = Pipeline;
        var rgba = new byte[64 * 64 * 4];
        for (int i = 0; i < rgba.Length; i++)
        {
            rgba[i] = (byte)((i * 7) % 251);
        }

        InitImage init = InitImage.FromRgba(rgba, 64, 64, 64, 64);
        byte[] result = pipeline.Generate(Request() with { Width = 64, Height = 64, InitImage = init, Strength = 0 });

        // Independently: encoder → mean → decoder through the wrappers, then the same RGBA conversion.
        var pixels = new float[3 * 64 * 64];
        init.WritePlanar(pixels);
        var latents = new float[pipeline.Unet.LatentChannels * 8 * 8];
        pipeline.VaeEncoder!.Encode(pixels, 1, 64, 64, latents);
        var decoded = new float[3 * 64 * 64];
        pipeline.VaeDecoder.Decode(latents, 1, 8, 8, decoded);
        int mismatches = 0;
        for (int i = 0; i < 64 * 64; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                byte expected = (byte)((Math.Clamp((decoded[(c * 64 * 64) + i] * 0.5f) + 0.5f, 0f, 1f) * 255f) + 0.5f);
                mismatches += Math.Abs(expected - result[(i * 4) + c]) > 1 ? 1 : 0;
            }
        }

        Assert.That(mismatches, Is.Zero);
    }

    [Test]
    public void Img2img_with_strength_changes_the_image_and_checks_steps_against_strength()
    {
        var rgba = new byte[64 * 64 * 4];
        Array.Fill(rgba, (byte)128);
        InitImage init = InitImage.FromRgba(rgba, 64, 64, 64, 64);
        GenerationRequest request = Request() with { Width = 64, Height = 64, InitImage = init, Strength = 0.5 };
        Assert.That(Pipeline.Generate(request), Has.Length.EqualTo(64 * 64 * 4));
        var e = Assert.Throws<RealtimeGenException>(() => Pipeline.Generate(request with { Strength = 0.05, Steps = 4 }));
        Assert.That(e!.Message, Does.Contain("strength"));
    }

    [Test]
    public void Float_output_matches_the_rgba8_output()
    {
        GenerationRequest request = Request() with { Width = 32, Height = 32 };
        byte[] bytes = Pipeline.Generate(request);
        var floats = new float[bytes.Length];
        Pipeline.GenerateFloat(request, floats);
        for (int i = 0; i < bytes.Length; i++)
        {
            Assert.That(floats[i] * 255f, Is.EqualTo((float)bytes[i]).Within(0.51f));
        }
    }

    [Test]
    public void Warm_up_prepares_a_shape_so_the_first_real_generation_allocates_nothing()
    {
        using var pipeline = LcmPipeline.Load(ShippedModel.Directory, new LcmPipelineOptions { Inference = new() { IntraOpThreads = 1 } });
        pipeline.WarmUp(64, 64);
        GenerationRequest request = Request() with { Width = 64, Height = 64 };
        var destination = new byte[LcmPipeline.RgbaByteCount(request)];
        pipeline.EncodePrompt(request.Prompt);
        long before = GC.GetAllocatedBytesForCurrentThread();
        pipeline.Generate(request, destination, default, null, null);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
