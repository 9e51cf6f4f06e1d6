using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Assets;

namespace RealtimeGen.Tests.Plugin.Assets;

public class SeamMetricTests
{
    // A periodic pattern tiles; a ramp across the image wraps from bright to dark.
    private static byte[] Pattern(int width, int height, bool periodic)
    {
        var rgba = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double v = periodic
                    ? 128 + (100 * Math.Sin(2 * Math.PI * x / width * 3) * Math.Cos(2 * Math.PI * y / height * 2))
                    : 20 + (200.0 * x / width) + (20.0 * y / height);
                int p = ((y * width) + x) * 4;
                rgba[p] = rgba[p + 1] = rgba[p + 2] = (byte)Math.Clamp(v, 0, 255);
                rgba[p + 3] = 255;
            }
        }

        return rgba;
    }

    [Test]
    public void A_periodic_texture_passes_and_a_ramp_does_not()
    {
        Assert.That(SeamMetric.Measure(Pattern(96, 64, periodic: true), 96, 64), Is.LessThanOrEqualTo(SeamMetric.DefaultLimit));
        Assert.That(SeamMetric.IsSeamless(Pattern(96, 64, periodic: true), 96, 64), Is.True);
        Assert.That(SeamMetric.Measure(Pattern(96, 64, periodic: false), 96, 64), Is.GreaterThan(10));
        Assert.That(SeamMetric.IsSeamless(Pattern(96, 64, periodic: false), 96, 64), Is.False);
    }

    [Test]
    public void A_flat_image_tiles()
    {
        var flat = new byte[16 * 16 * 4];
        Array.Fill(flat, (byte)77);
        Assert.That(SeamMetric.Measure(flat, 16, 16), Is.EqualTo(1));
    }

    [Test]
    public void A_wrong_buffer_size_is_refused()
    {
        var e = Assert.Throws<RealtimeGenException>(() => SeamMetric.Measure(new byte[5], 2, 2));
        Assert.That(e!.Message, Does.Contain("16 bytes"));
    }
}
