using NUnit.Framework;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Tests.Plugin.Pipeline;

public class SeededNoiseTests
{
    [Test]
    public void Same_seed_and_stream_give_identical_bits()
    {
        var a = new float[1001];
        var b = new float[1001];
        new SeededNoise(42, 3).Fill(a);
        new SeededNoise(42, 3).Fill(b);
        Assert.That(a, Is.EqualTo(b));
    }

    [Test]
    public void Seeds_and_streams_give_different_sequences()
    {
        var a = new float[64];
        var b = new float[64];
        var c = new float[64];
        new SeededNoise(1).Fill(a);
        new SeededNoise(2).Fill(b);
        new SeededNoise(1, 1).Fill(c);
        Assert.That(a, Is.Not.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
    }

    [Test]
    public void Samples_are_standard_normal()
    {
        var values = new float[200_000];
        new SeededNoise(7).Fill(values);
        double mean = values.Average(v => (double)v);
        double variance = values.Average(v => (v - mean) * (v - mean));
        int beyondTwoSigma = values.Count(v => Math.Abs(v) > 2);
        Assert.That(mean, Is.EqualTo(0).Within(0.01));
        Assert.That(variance, Is.EqualTo(1).Within(0.02));
        Assert.That(beyondTwoSigma / (double)values.Length, Is.EqualTo(0.0455).Within(0.003));
    }

    [Test]
    public void Reset_restarts_the_sequence()
    {
        var noise = new SeededNoise(9);
        ulong first = noise.NextUInt64();
        noise.NextUInt64();
        noise.Reset(9);
        Assert.That(noise.NextUInt64(), Is.EqualTo(first));
    }
}
