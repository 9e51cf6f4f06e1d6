using NUnit.Framework;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Tests.Plugin.Pipeline;

public class LatentWrapTests
{
    [TestCase(0, 0)]
    [TestCase(3, 1)]
    [TestCase(5, 2)]
    public void Cropping_a_padded_rolled_tensor_gives_it_back(int rollX, int rollY)
    {
        const int Planes = 2, H = 3, W = 6, Pad = 4;
        float[] source = [.. Enumerable.Range(0, Planes * H * W).Select(i => (float)i)];
        var padded = new float[Planes * (H + (2 * Pad)) * (W + (2 * Pad))];
        var back = new float[source.Length];

        LatentWrap.Pad(source, Planes, H, W, Pad, rollX, rollY, padded);
        LatentWrap.Crop(padded, Planes, H, W, Pad, rollX, rollY, back);

        Assert.That(back, Is.EqualTo(source));
    }

    [Test]
    public void Padding_shows_the_opposite_edge_across_every_border()
    {
        // One plane, 2×3: rows [0 1 2] and [3 4 5], padded by 1 without roll.
        float[] source = [0, 1, 2, 3, 4, 5];
        var padded = new float[4 * 5];
        LatentWrap.Pad(source, 1, 2, 3, 1, 0, 0, padded);
        Assert.That(padded, Is.EqualTo(new float[]
        {
            5, 3, 4, 5, 3,
            2, 0, 1, 2, 0,
            5, 3, 4, 5, 3,
            2, 0, 1, 2, 0,
        }));
    }

    [Test]
    public void Wrap_is_a_true_modulo_for_negative_values()
    {
        Assert.That(LatentWrap.Wrap(-1, 5), Is.EqualTo(4));
        Assert.That(LatentWrap.Wrap(-11, 5), Is.EqualTo(4));
        Assert.That(LatentWrap.Wrap(7, 5), Is.EqualTo(2));
    }
}
