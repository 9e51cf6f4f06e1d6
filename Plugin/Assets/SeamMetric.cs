using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.Assets;

/// <summary>
/// How visible a texture's wrap-around seam is: the mean colour difference between the pixels that meet when the
/// texture is tiled (last column against first, last row against first) divided by the mean difference between
/// neighbouring pixels inside the image. About 1 for a texture that tiles; well above for one that does not.
/// </summary>
public static class SeamMetric
{
    /// <summary>Largest ratio at which a texture counts as seamless.</summary>
    public const double DefaultLimit = 1.7;

    /// <summary>The seam ratio of <paramref name="rgba"/> (RGBA8, width·height·4 bytes, RGB compared).</summary>
    public static double Measure(ReadOnlySpan<byte> rgba, int width, int height)
    {
        if (width < 2 || height < 2 || rgba.Length != (long)width * height * 4)
        {
            throw new RealtimeGenException(
                $"Expected at least 2×2 RGBA8 pixels ({(long)width * height * 4} bytes for {width}×{height}); found {rgba.Length} bytes.");
        }

        double inner = 0;
        long innerCount = 0;
        double seam = 0;
        long seamCount = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int p = ((y * width) + x) * 4;
                int right = ((y * width) + ((x + 1) % width)) * 4;
                int below = ((((y + 1) % height) * width) + x) * 4;
                double dx = Distance(rgba, p, right);
                double dy = Distance(rgba, p, below);
                if (x == width - 1)
                {
                    seam += dx;
                    seamCount++;
                }
                else
                {
                    inner += dx;
                    innerCount++;
                }

                if (y == height - 1)
                {
                    seam += dy;
                    seamCount++;
                }
                else
                {
                    inner += dy;
                    innerCount++;
                }
            }
        }

        double innerMean = inner / innerCount;
        double seamMean = seam / seamCount;
        // A flat image has no neighbour differences: it tiles when its seam is flat too.
        return innerMean < 1e-9 ? (seamMean < 1e-9 ? 1 : double.PositiveInfinity) : seamMean / innerMean;
    }

    /// <summary>True when <see cref="Measure"/> is at most <paramref name="limit"/>.</summary>
    public static bool IsSeamless(ReadOnlySpan<byte> rgba, int width, int height, double limit = DefaultLimit) =>
        Measure(rgba, width, height) <= limit;

    private static double Distance(ReadOnlySpan<byte> rgba, int a, int b) =>
        Math.Abs(rgba[a] - rgba[b]) + Math.Abs(rgba[a + 1] - rgba[b + 1]) + Math.Abs(rgba[a + 2] - rgba[b + 2]);
}
