namespace RealtimeGen.Plugin.Pipeline;

/// <summary>
/// Circular padding and cropping of planar [B,C,h,w] tensors, with an optional roll: the graph-agnostic way to make
/// any UNet or decoder tile, by showing it the wrapped-around neighbours at every border.
/// </summary>
internal static class LatentWrap
{
    /// <summary>
    /// Writes <paramref name="source"/> [images,C,h,w], rolled by (rollX, rollY) and padded circularly by
    /// <paramref name="pad"/> cells on every side, into <paramref name="destination"/> [images,C,h+2pad,w+2pad].
    /// </summary>
    public static void Pad(ReadOnlySpan<float> source, int planes, int height, int width, int pad, int rollX, int rollY, Span<float> destination)
    {
        int paddedWidth = width + (2 * pad);
        int paddedHeight = height + (2 * pad);
        int plane = height * width;
        for (int p = 0; p < planes; p++)
        {
            ReadOnlySpan<float> from = source.Slice(p * plane, plane);
            Span<float> to = destination.Slice(p * paddedHeight * paddedWidth, paddedHeight * paddedWidth);
            for (int y = 0; y < paddedHeight; y++)
            {
                int sy = Wrap(y - pad + rollY, height);
                ReadOnlySpan<float> row = from.Slice(sy * width, width);
                Span<float> target = to.Slice(y * paddedWidth, paddedWidth);
                for (int x = 0; x < paddedWidth; x++)
                {
                    target[x] = row[Wrap(x - pad + rollX, width)];
                }
            }
        }
    }

    /// <summary>The inverse of <see cref="Pad"/>: keeps the centre of each padded plane and undoes the roll.</summary>
    public static void Crop(ReadOnlySpan<float> source, int planes, int height, int width, int pad, int rollX, int rollY, Span<float> destination)
    {
        int paddedWidth = width + (2 * pad);
        int paddedHeight = height + (2 * pad);
        int plane = height * width;
        for (int p = 0; p < planes; p++)
        {
            ReadOnlySpan<float> from = source.Slice(p * paddedHeight * paddedWidth, paddedHeight * paddedWidth);
            Span<float> to = destination.Slice(p * plane, plane);
            for (int y = 0; y < height; y++)
            {
                int ty = Wrap(y + rollY, height);
                ReadOnlySpan<float> row = from.Slice((y + pad) * paddedWidth, paddedWidth);
                for (int x = 0; x < width; x++)
                {
                    to[(ty * width) + Wrap(x + rollX, width)] = row[x + pad];
                }
            }
        }
    }

    /// <summary><paramref name="value"/> modulo <paramref name="size"/>, in [0, size).</summary>
    public static int Wrap(int value, int size)
    {
        int r = value % size;
        return r < 0 ? r + size : r;
    }
}
