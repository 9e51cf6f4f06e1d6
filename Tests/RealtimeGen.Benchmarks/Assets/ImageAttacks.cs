using StbImageSharp;
using StbImageWriteSharp;

namespace RealtimeGen.Benchmarks.Assets;

/// <summary>The distortions the watermark must survive: PNG and JPEG round trips, a half-size copy, crops.</summary>
internal static class ImageAttacks
{
    public static byte[] PngRoundTrip(byte[] rgba, int width, int height)
    {
        using var stream = new MemoryStream();
        new ImageWriter().WritePng(rgba, width, height, StbImageWriteSharp.ColorComponents.RedGreenBlueAlpha, stream);
        return ImageResult.FromMemory(stream.ToArray(), StbImageSharp.ColorComponents.RedGreenBlueAlpha).Data;
    }

    public static byte[] JpegRoundTrip(byte[] rgba, int width, int height, int quality)
    {
        using var stream = new MemoryStream();
        new ImageWriter().WriteJpg(rgba, width, height, StbImageWriteSharp.ColorComponents.RedGreenBlueAlpha, stream, quality);
        return ImageResult.FromMemory(stream.ToArray(), StbImageSharp.ColorComponents.RedGreenBlueAlpha).Data;
    }

    /// <summary>0.5× by 2×2 box averaging.</summary>
    public static byte[] Half(byte[] rgba, int width, int height)
    {
        int w = width / 2;
        int h = height / 2;
        var result = new byte[w * h * 4];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                for (int c = 0; c < 4; c++)
                {
                    int sum = rgba[(((2 * y) * width) + (2 * x)) * 4 + c] + rgba[(((2 * y) * width) + (2 * x) + 1) * 4 + c]
                        + rgba[((((2 * y) + 1) * width) + (2 * x)) * 4 + c] + rgba[((((2 * y) + 1) * width) + (2 * x) + 1) * 4 + c];
                    result[((y * w) + x) * 4 + c] = (byte)((sum + 2) / 4);
                }
            }
        }

        return result;
    }

    public static byte[] Crop(byte[] rgba, int width, int left, int top, int cropWidth, int cropHeight)
    {
        var result = new byte[cropWidth * cropHeight * 4];
        for (int y = 0; y < cropHeight; y++)
        {
            Array.Copy(rgba, (((top + y) * width) + left) * 4, result, y * cropWidth * 4, cropWidth * 4);
        }

        return result;
    }
}
