using NUnit.Framework;
using RealtimeGen.Plugin.Models;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Tests.Plugin.Inference;

/// <summary>ONNX Runtime, through our wrappers, against the PyTorch outputs the export recorded.</summary>
public class TestVectorTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        TestVectorManifest manifest = TestVectorManifest.Load(ShippedModel.Directory);
        foreach (TestVectorCase c in manifest.Cases)
        {
            yield return new TestCaseData(c).SetArgDisplayNames(c.Part);
        }
    }

    [Test]
    public void Manifest_has_a_case_for_every_part()
    {
        TestVectorManifest manifest = TestVectorManifest.Load(ShippedModel.Directory);
        Assert.That(manifest.Cases.Select(c => c.Part), Is.SupersetOf(new[] { "text_encoder", "unet", "vae_decoder", "vae_encoder" }));
    }

    [TestCaseSource(nameof(Cases))]
    public void Part_matches_pytorch(TestVectorCase testCase)
    {
        LcmPipeline pipeline = ShippedModel.Pipeline;
        TestVectorTensor expectedTensor = testCase.Outputs[0];
        float[] expected = expectedTensor.ReadFloats();
        var actual = new float[expected.Length];
        IReadOnlyList<long> shape = expectedTensor.Shape;
        switch (testCase.Part)
        {
            case "text_encoder":
                long[] ids = Input(testCase, "input_ids").ReadIntegers();
                pipeline.TextEncoder.Encode(ids, (int)shape[0], actual);
                break;
            case "unet":
                TestVectorTensor sample = Input(testCase, "sample");
                float[] hidden = Input(testCase, "encoder_hidden_states").ReadFloats();
                long timestep = Input(testCase, "timestep").ReadIntegers()[0];
                float[] cond = testCase.Inputs.Any(t => t.Name == "timestep_cond") ? Input(testCase, "timestep_cond").ReadFloats() : [];
                pipeline.Unet.Predict(
                    sample.ReadFloats(), (int)sample.Shape[0], (int)sample.Shape[2], (int)sample.Shape[3], (int)timestep,
                    hidden, (int)Input(testCase, "encoder_hidden_states").Shape[1], cond, actual);
                break;
            case "vae_decoder":
                TestVectorTensor latent = Input(testCase, "latent_sample");
                pipeline.VaeDecoder.Decode(latent.ReadFloats(), (int)latent.Shape[0], (int)latent.Shape[2], (int)latent.Shape[3], actual);
                break;
            case "vae_encoder":
                TestVectorTensor image = Input(testCase, "sample");
                if (expectedTensor.Name == "latent_parameters")
                {
                    Assert.Ignore("The recorded output holds mean and log-variance; the wrapper returns the mean only.");
                }

                pipeline.VaeEncoder!.Encode(image.ReadFloats(), (int)image.Shape[0], (int)image.Shape[2], (int)image.Shape[3], actual);
                break;
            default:
                Assert.Fail($"Unknown part {testCase.Part} in the manifest.");
                return;
        }

        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }

        Assert.That(worst, Is.LessThanOrEqualTo(testCase.AbsoluteTolerance), $"largest |torch − ORT| of {expected.Length} values");
    }

    private static TestVectorTensor Input(TestVectorCase testCase, string name) =>
        testCase.Inputs.FirstOrDefault(t => t.Name == name) ?? throw new AssertionException($"case {testCase.Part} lacks input {name}");
}
