using NUnit.Framework;
using RealtimeGen.Plugin.Models;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Tests.Plugin.Inference;

/// <summary>Encoding only the text states a package's UNet reads (<see cref="ModelPackage.UnetTextTokens"/>).</summary>
public class TextEncoderTests
{
    [Test]
    public void The_shipped_pipeline_encodes_the_16_tokens_its_UNet_reads()
    {
        LcmPipeline pipeline = ShippedModel.Pipeline;
        Assert.That(pipeline.TextEncoder.SequenceLength, Is.EqualTo(77));
        Assert.That(pipeline.TextEncoder.Accepts(16), Is.True);
        Assert.That(pipeline.EncodedTokens, Is.EqualTo(16));
    }

    [Test]
    public void The_leading_states_match_PyTorchs_encoding_of_the_whole_sequence_and_the_rest_are_zero()
    {
        TestVectorCase testCase = TestVectorManifest.Load(ShippedModel.Directory).Cases.Single(c => c.Part == "text_encoder");
        long[] ids = testCase.Inputs.Single(t => t.Name == "input_ids").ReadIntegers();
        float[] expected = testCase.Outputs[0].ReadFloats();
        var actual = new float[expected.Length];
        Array.Fill(actual, float.NaN);
        LcmPipeline pipeline = ShippedModel.Pipeline;
        int hidden = pipeline.TextEncoder.HiddenSize;

        pipeline.TextEncoder.Encode(ids, 1, 16, actual);

        double worst = 0;
        for (int i = 0; i < 16 * hidden; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }

        Assert.That(worst, Is.LessThanOrEqualTo(testCase.AbsoluteTolerance), "largest |torch − ORT| of the first 16 states");
        Assert.That(actual.Skip(16 * hidden), Is.All.EqualTo(0f));
    }

    [Test]
    public void The_UNet_output_does_not_depend_on_the_states_after_the_declared_16()
    {
        LcmPipeline pipeline = ShippedModel.Pipeline;
        int hidden = pipeline.TextEncoder.HiddenSize;
        float[] full = new float[77 * hidden];
        pipeline.TextEncoder.Encode(pipeline.Tokenizer.Encode("mossy red brick wall"), 1, full);
        float[] leading = (float[])full.Clone();
        Array.Clear(leading, 16 * hidden, leading.Length - 16 * hidden);
        Assert.That(full.Skip(16 * hidden).Any(v => v != 0f), Is.True, "the whole-sequence states past 16 are not zero");

        var random = new Random(5);
        float[] sample = Enumerable.Range(0, 4 * 16 * 16).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] cond = new float[pipeline.Unet.GuidanceEmbeddingWidth];
        var fromFull = new float[sample.Length];
        var fromLeading = new float[sample.Length];
        pipeline.Unet.Predict(sample, 1, 16, 16, 759, full, 77, cond, fromFull);
        pipeline.Unet.Predict(sample, 1, 16, 16, 759, leading, 77, cond, fromLeading);

        Assert.That(fromLeading, Is.EqualTo(fromFull));
    }

    [Test]
    public void A_token_count_the_graph_cannot_take_is_refused()
    {
        LcmPipeline pipeline = ShippedModel.Pipeline;
        var ids = new long[77];
        var states = new float[77 * pipeline.TextEncoder.HiddenSize];
        Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.TextEncoder.Encode(ids, 1, 78, states));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.TextEncoder.Encode(ids, 1, 0, states));
        Assert.That(pipeline.TextEncoder.Accepts(0), Is.False);
    }
}
