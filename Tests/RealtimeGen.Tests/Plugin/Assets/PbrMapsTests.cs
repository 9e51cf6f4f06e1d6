using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Assets;

namespace RealtimeGen.Tests.Plugin.Assets;

public class PbrMapsTests
{
    private static byte[] Grey(int width, int height, Func<int, int, byte> value)
    {
        var rgba = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int p = ((y * width) + x) * 4;
                rgba[p] = rgba[p + 1] = rgba[p + 2] = value(x, y);
                rgba[p + 3] = 255;
            }
        }

        return rgba;
    }

    [Test]
    public void A_flat_albedo_gives_a_flat_normal_map_and_a_uniform_height()
    {
        PbrMaps maps = PbrMaps.FromAlbedo(Grey(8, 8, (_, _) => 100), 8, 8);
        for (int i = 0; i < 64; i++)
        {
            Assert.That(maps.Normal.AsSpan(i * 4, 4).ToArray(), Is.EqualTo(new byte[] { 128, 128, 255, 255 }));
            Assert.That(maps.HeightMap[i * 4], Is.EqualTo(100));
        }
    }

    [Test]
    public void Height_rising_to_the_right_tilts_normals_left_and_rising_downwards_tilts_them_up()
    {
        // OpenGL convention: red = +x (right), green = towards the image's top row.
        PbrMaps right = PbrMaps.FromAlbedo(Grey(16, 16, (x, _) => (byte)(x * 10)), 16, 16, wrap: false);
        PbrMaps down = PbrMaps.FromAlbedo(Grey(16, 16, (_, y) => (byte)(y * 10)), 16, 16, wrap: false);
        int center = ((8 * 16) + 8) * 4;
        Assert.Multiple(() =>
        {
            Assert.That(right.Normal[center], Is.LessThan(120), "red of a slope rising to the right");
            Assert.That(right.Normal[center + 1], Is.EqualTo(128).Within(1), "green of a slope rising to the right");
            Assert.That(down.Normal[center + 1], Is.GreaterThan(136), "green of a slope rising downwards faces the top row");
            Assert.That(down.Normal[center], Is.EqualTo(128).Within(1));
        });
    }

    [Test]
    public void Wrapping_treats_the_opposite_edge_as_the_neighbour()
    {
        // A step at the wrap edge only: wrap sees it, clamp does not.
        byte[] albedo = Grey(8, 8, (x, _) => (byte)(x == 0 ? 200 : 50));
        PbrMaps wrapped = PbrMaps.FromAlbedo(albedo, 8, 8, wrap: true);
        PbrMaps clamped = PbrMaps.FromAlbedo(albedo, 8, 8, wrap: false);
        int lastColumn = 7 * 4;
        Assert.That(wrapped.Normal[lastColumn], Is.LessThan(100));
        Assert.That(clamped.Normal[lastColumn], Is.EqualTo(128));
    }

    [Test]
    public void Dark_busy_areas_are_rougher_than_bright_smooth_ones()
    {
        byte[] albedo = Grey(16, 16, (x, y) => x < 8 ? (byte)((x + y) % 2 == 0 ? 20 : 90) : (byte)240);
        PbrMaps maps = PbrMaps.FromAlbedo(albedo, 16, 16, wrap: false);
        Assert.That(maps.Roughness[((8 * 16) + 3) * 4], Is.GreaterThan(maps.Roughness[((8 * 16) + 12) * 4] + 60));
    }

    [Test]
    public void A_wrong_buffer_size_is_refused()
    {
        Assert.Throws<RealtimeGenException>(() => PbrMaps.FromAlbedo(new byte[3], 1, 1));
    }

    [Test]
    public void The_glsl_snippet_defines_the_derived_normal_function()
    {
        Assert.That(PbrMaps.GlslSnippet, Does.Contain("vec3 rtgDerivedNormal(sampler2D albedo, vec2 uv, float strength)"));
    }
}
