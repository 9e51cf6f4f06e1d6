using NUnit.Framework;
using RealtimeGen.Plugin.Scheduling;

namespace RealtimeGen.Tests.Plugin.Scheduling;

public class GuidanceEmbeddingTests
{
    // Expected values: diffusers' get_guidance_scale_embedding(w − 1) written out in torch 1.13 float32
    // (w' = 7500, freq = exp(−ln(10000)·i/127), [sin ‖ cos]), printed with /usr/bin/python3.
    [TestCase(0, -0.85123593f)]
    [TestCase(1, 0.84213120f)]
    [TestCase(64, -0.07243755f)]
    [TestCase(127, 0.68163872f)]
    [TestCase(128, -0.52478325f)]
    [TestCase(129, 0.53927273f)]
    [TestCase(200, -0.93903708f)]
    [TestCase(255, 0.73168892f)]
    public void Matches_diffusers_for_the_default_guidance(int index, float expected)
    {
        var embedding = new float[256];
        GuidanceEmbedding.Write(8.5, embedding);
        Assert.That(embedding[index], Is.EqualTo(expected).Within(2e-4f));
    }

    [Test]
    public void Guidance_one_embeds_zero_angle()
    {
        var embedding = new float[8];
        GuidanceEmbedding.Write(1.0, embedding);
        Assert.That(embedding, Is.EqualTo(new[] { 0f, 0f, 0f, 0f, 1f, 1f, 1f, 1f }));
    }

    [Test]
    public void Odd_widths_are_refused() =>
        Assert.Throws<ArgumentException>(() => GuidanceEmbedding.Write(8.5, new float[7]));
}
