using NUnit.Framework;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Tests.Plugin.Pipeline;

/// <summary>
/// A package whose UNet has no <c>timestep_cond</c> and takes a float scalar timestep (as LCM-LoRA merges and
/// older converters export it): the pipeline must switch to classifier-free guidance with the negative prompt.
/// </summary>
public class ClassicGuidanceTests
{
    private string _package = "";
    private LcmPipeline _pipeline = null!;

    [OneTimeSetUp]
    public void CreatePackage()
    {
        _package = ShippedModel.CopyToTemp();
        File.WriteAllBytes(Path.Combine(_package, "unet", "model.onnx"), HandWrittenOnnx.ScalarTimestepUnetWithoutGuidanceEmbedding());

        // The hand-written UNet's output is read as ε below, whatever the shipped model predicts.
        string schedulerConfig = Path.Combine(_package, "scheduler", "scheduler_config.json");
        var scheduler = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(schedulerConfig))!.AsObject();
        scheduler["prediction_type"] = "epsilon";
        File.WriteAllText(schedulerConfig, scheduler.ToJsonString());
        _pipeline = LcmPipeline.Load(_package, new LcmPipelineOptions { Inference = new InferenceOptions { IntraOpThreads = 1 } });
    }

    [OneTimeTearDown]
    public void RemovePackage()
    {
        _pipeline.Dispose();
        Directory.Delete(_package, recursive: true);
    }

    [Test]
    public void The_unet_is_recognised_as_needing_classic_guidance()
    {
        Assert.That(_pipeline.Unet.HasGuidanceEmbedding, Is.False);
        Assert.That(_pipeline.Unet.Signature.RequireInput("timestep").Rank, Is.Zero);
    }

    [Test]
    public void One_step_mixes_conditional_and_unconditional_predictions_with_the_guidance_scale()
    {
        const double W = 3.0;
        var request = new GenerationRequest { Prompt = "mossy red brick wall", NegativePrompt = "dark", Steps = 1, Width = 32, Height = 32, GuidanceScale = W, Seed = 5 };
        float[] x0 = [];
        _pipeline.Generate(request, new byte[LcmPipeline.RgbaByteCount(request)], default, (in LcmStepProgress p) => x0 = p.PredictedLatents.ToArray(), null);

        // Independently: ε = 0.1·x + mean(embedding) + 0.001·t for each prompt, ε_cfg = ε_u + w(ε_c − ε_u),
        // then the LCM step on t = 999 from the same seeded noise.
        double meanCond = _pipeline.EncodePrompt(request.Prompt).Average(v => (double)v);
        double meanUncond = _pipeline.EncodePrompt(request.NegativePrompt).Average(v => (double)v);
        var noise = new float[x0.Length];
        new SeededNoise(request.Seed, 0).Fill(noise);
        double a = _pipeline.Scheduler.AlphasCumprod[999];
        _pipeline.Scheduler.GetBoundaryScalings(999, out double cSkip, out double cOut);
        for (int i = 0; i < x0.Length; i++)
        {
            double x = noise[i];
            double epsilon = (0.1 * x) + meanUncond + (W * (meanCond - meanUncond)) + 0.999;
            double expected = (cOut * (x - (Math.Sqrt(1 - a) * epsilon)) / Math.Sqrt(a)) + (cSkip * x);
            Assert.That(x0[i], Is.EqualTo(expected).Within(1e-3 * Math.Max(1, Math.Abs(expected))), $"element {i}");
        }
    }

    [Test]
    public void Guidance_at_or_below_one_runs_the_conditional_prediction_only()
    {
        var request = new GenerationRequest { Prompt = "red brick wall", NegativePrompt = "anything", Steps = 2, Width = 32, Height = 32, GuidanceScale = 1.0 };
        byte[] first = _pipeline.Generate(request);
        byte[] second = _pipeline.Generate(request with { NegativePrompt = "something else" });
        Assert.That(second, Is.EqualTo(first));
    }
}
