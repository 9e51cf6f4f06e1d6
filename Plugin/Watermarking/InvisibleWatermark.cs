using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.Watermarking;

/// <summary>
/// An invisible, blind watermark in the luminance DCT: every 8×8 pixel block carries one bit of a 64-bit codeword
/// (sync, 32-bit payload, CRC-16) as the sign of the difference between its (1,2) and (2,1) DCT coefficients,
/// pushed to at least a margin by the smallest change that does it. The codeword repeats over 64×64-pixel tiles,
/// so the detector recovers it from crops (it searches the 8×8 pixel and 8×8 block alignments), from JPEG (the two
/// coefficients are low-mid frequencies that quantise gently) and from half-size copies (it also tries a 2×
/// upscale). The detector needs no original. A seamless texture is marked on a grid that is offset and wraps around
/// the edges: no block boundary (where the change jumps) lies on the wrap edge, and the change is continuous across
/// it, so the mark adds no seam when the texture is tiled.
/// </summary>
/// <remarks>
/// Marking is a pure function of the pixels and the payload: the same image and payload give the same bytes, so an
/// unmarked image stays deterministic. Embed allocates nothing. Thread-safe: no shared mutable state.
/// </remarks>
public static class InvisibleWatermark
{
    /// <summary>Default margin, in DCT units of 0..255 luminance, that each block's coefficient difference is pushed to.</summary>
    public const double DefaultStrength = 16;

    /// <summary>Smallest mean sync agreement at which a checksum-valid payload is reported as found.</summary>
    public const double MinConfidence = 0.1;

    private const int Block = 8;

    // Offset of the seamless grid. The wrap edge then falls between a block's 6th and 7th column (and row), where the
    // pattern changes per pixel about as much as it does on average inside the image, block edges included, so the
    // seam ratio stays where it was (mean 1.22 unmarked, 1.17 marked over eight 256² outputs of the second shipped
    // package). Half a block lowers it (the middle of the pattern is smooth: 0.97 to 0.81 on a 256×128 texture); no
    // offset raises it (to 1.52).
    private const int WrapOffset = 2;
    private const float SoftScale = 8f;
    private static readonly float[] Pattern = BuildPattern();

    /// <summary>Marks <paramref name="rgba"/> (RGBA8, width·height·4 bytes, top row first) in place.</summary>
    /// <param name="rgba">The image; alpha is left as it is.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="payload">The 32 bits to carry.</param>
    /// <param name="strength">Margin of the coefficient difference; larger is more robust and more visible.</param>
    /// <param name="seamless">The image tiles: mark it on an offset grid that wraps around the edges, which keeps it
    /// tiling. Needs a width and height that are multiples of 8.</param>
    /// <exception cref="RealtimeGenException">The buffer does not hold width·height RGBA8 pixels, or a seamless image's
    /// size is not a multiple of 8.</exception>
    public static void Embed(Span<byte> rgba, int width, int height, WatermarkPayload payload, double strength = DefaultStrength, bool seamless = false)
    {
        CheckImage(rgba.Length, width, height);
        Embed(rgba, width, height, width * 4, payload, strength, seamless);
    }

    /// <summary>Marks <paramref name="rgba"/> (RGBA8 rows <paramref name="rowPitch"/> bytes apart, top row first) in
    /// place: the same pixels as <see cref="Embed(Span{byte}, int, int, WatermarkPayload, double, bool)"/> on the
    /// tightly packed image; bytes between rows are not touched.</summary>
    /// <param name="rgba">(height − 1)·rowPitch + width·4 bytes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="rowPitch">Bytes from one row's start to the next's, at least width·4.</param>
    /// <param name="payload">The 32 bits to carry.</param>
    /// <param name="strength">Margin of the coefficient difference; larger is more robust and more visible.</param>
    /// <param name="seamless">The image tiles (see the other overload).</param>
    /// <exception cref="RealtimeGenException">The buffer does not hold the pitched image, or a seamless image's size
    /// is not a multiple of 8.</exception>
    public static void Embed(Span<byte> rgba, int width, int height, int rowPitch, WatermarkPayload payload, double strength = DefaultStrength, bool seamless = false)
    {
        if (width < 1 || height < 1 || rowPitch < width * 4 || rgba.Length != ((long)(height - 1) * rowPitch) + (width * 4L))
        {
            throw new RealtimeGenException(
                $"Expected {width}×{height} RGBA8 pixels in rows {rowPitch} bytes apart (at least {width * 4}), " +
                $"{((long)(height - 1) * rowPitch) + (width * 4L)} bytes; found {rgba.Length} bytes.");
        }

        if (!double.IsFinite(strength) || strength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(strength), strength, "Expected a positive finite strength.");
        }

        if (seamless && (width % Block != 0 || height % Block != 0))
        {
            throw new RealtimeGenException(
                $"Expected a width and height that are multiples of {Block} for a seamless watermark (its blocks wrap around the edges); found {width}×{height}.");
        }

        Span<bool> bits = stackalloc bool[WatermarkCodeword.Length];
        WatermarkCodeword.Encode(payload, bits);
        float margin = (float)strength;
        int blocksX = width / Block;
        int blocksY = height / Block;
        int offset = seamless ? WrapOffset : 0;
        for (int by = 0; by < blocksY; by++)
        {
            for (int bx = 0; bx < blocksX; bx++)
            {
                int position = ((by % WatermarkCodeword.TileBlocks) * WatermarkCodeword.TileBlocks) + (bx % WatermarkCodeword.TileBlocks);
                int index = WatermarkCodeword.IndexAt[position];
                float sign = bits[index] ^ WatermarkCodeword.Key[index] ? 1f : -1f;
                int left = offset + (bx * Block);
                int top = offset + (by * Block);

                // Clipping at 0 or 255 can swallow part of a change: re-measure and push again, a few times at most.
                for (int pass = 0; pass < 4; pass++)
                {
                    float d = BlockDifference(rgba, width, height, rowPitch, left, top);
                    if (sign * d >= (pass == 0 ? margin : margin * 0.9f))
                    {
                        break;
                    }

                    // Adding a·Pattern to luminance changes d by 2a (the pattern's squared norm is 2).
                    AddPattern(rgba, width, height, rowPitch, left, top, ((sign * margin) - d) * 0.5f);
                }
            }
        }
    }

    // Blocks of the offset (seamless) grid that run past the right or bottom edge continue at the left or top.
    private static int Wrap(int coordinate, int size) => coordinate < size ? coordinate : coordinate - size;

    private static float BlockDifference(ReadOnlySpan<byte> rgba, int width, int height, int rowPitch, int left, int top)
    {
        float d = 0;
        for (int y = 0; y < Block; y++)
        {
            int row = Wrap(top + y, height) * rowPitch;
            for (int x = 0; x < Block; x++)
            {
                int p = row + (Wrap(left + x, width) * 4);
                d += ((0.299f * rgba[p]) + (0.587f * rgba[p + 1]) + (0.114f * rgba[p + 2])) * Pattern[(y * Block) + x];
            }
        }

        return d;
    }

    private static void AddPattern(Span<byte> rgba, int width, int height, int rowPitch, int left, int top, float amount)
    {
        for (int y = 0; y < Block; y++)
        {
            int row = Wrap(top + y, height) * rowPitch;
            for (int x = 0; x < Block; x++)
            {
                int p = row + (Wrap(left + x, width) * 4);
                float change = amount * Pattern[(y * Block) + x];
                for (int c = 0; c < 3; c++)
                {
                    rgba[p + c] = (byte)Math.Clamp((int)MathF.Round(rgba[p + c] + change), 0, 255);
                }
            }
        }
    }

    /// <summary>Looks for a mark in <paramref name="rgba"/> (RGBA8, width·height·4 bytes) at any crop alignment,
    /// at the image's size and at twice it; an image too small to hold a whole codeword without the blocks that wrap
    /// around its edges (under 72 pixels a side) is also read as tiling, as a seamless mark is embedded.</summary>
    public static WatermarkDetection Detect(ReadOnlySpan<byte> rgba, int width, int height)
    {
        CheckImage(rgba.Length, width, height);
        float[] luma = new float[width * height];
        for (int i = 0; i < luma.Length; i++)
        {
            int p = i * 4;
            luma[i] = (0.299f * rgba[p]) + (0.587f * rgba[p + 1]) + (0.114f * rgba[p + 2]);
        }

        WatermarkDetection direct = DetectLuma(luma, width, height, 1, wrap: false);
        if (!direct.Found && width % Block == 0 && height % Block == 0 && Math.Min(width, height) < (WatermarkCodeword.TileBlocks + 1) * Block)
        {
            WatermarkDetection wrapped = DetectLuma(luma, width, height, 1, wrap: true);
            direct = wrapped.Found || wrapped.Confidence > direct.Confidence ? wrapped : direct;
        }

        if (direct.Found || (long)width * height * 4 > 4096L * 4096)
        {
            return direct;
        }

        WatermarkDetection upscaled = DetectLuma(Upscale2(luma, width, height), width * 2, height * 2, 2, wrap: false);
        return upscaled.Found || upscaled.Confidence > direct.Confidence ? upscaled : direct;
    }

    /// <summary>Peak signal-to-noise ratio in dB between two RGBA8 images over their RGB channels.</summary>
    public static double Psnr(ReadOnlySpan<byte> reference, ReadOnlySpan<byte> test)
    {
        if (reference.Length != test.Length || reference.Length % 4 != 0)
        {
            throw new ArgumentException($"Expected two RGBA8 images of equal size; found {reference.Length} and {test.Length} bytes.", nameof(test));
        }

        double sum = 0;
        long count = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            if (i % 4 == 3)
            {
                continue;
            }

            double e = reference[i] - test[i];
            sum += e * e;
            count++;
        }

        return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / (sum / count));
    }

    // With wrap, blocks run past the right and bottom edges and continue at the left and top (a tiling image).
    private static WatermarkDetection DetectLuma(float[] luma, int width, int height, int scale, bool wrap)
    {
        const int Tile = WatermarkCodeword.TileBlocks;
        Span<float> sums = stackalloc float[Tile * Tile];
        Span<float> counts = stackalloc float[Tile * Tile];
        Span<float> bestSums = stackalloc float[Tile * Tile];
        Span<float> bestCounts = stackalloc float[Tile * Tile];
        double bestScore = double.NegativeInfinity;
        int bestOx = 0, bestOy = 0, bestTx = 0, bestTy = 0;
        for (int oy = 0; oy < Block; oy++)
        {
            for (int ox = 0; ox < Block; ox++)
            {
                int blocksX = (wrap ? width : width - ox) / Block;
                int blocksY = (wrap ? height : height - oy) / Block;
                if (blocksX < 1 || blocksY < 1)
                {
                    continue;
                }

                sums.Clear();
                counts.Clear();
                for (int by = 0; by < blocksY; by++)
                {
                    for (int bx = 0; bx < blocksX; bx++)
                    {
                        float soft = Math.Clamp(Difference(luma, width, height, ox + (bx * Block), oy + (by * Block)) / SoftScale, -1f, 1f);
                        int position = ((by % Tile) * Tile) + (bx % Tile);
                        sums[position] += soft;
                        counts[position] += 1;
                    }
                }

                for (int ty = 0; ty < Tile; ty++)
                {
                    for (int tx = 0; tx < Tile; tx++)
                    {
                        double score = SyncScore(sums, counts, tx, ty);
                        if (score > bestScore)
                        {
                            bestScore = score;
                            (bestOx, bestOy, bestTx, bestTy) = (ox, oy, tx, ty);
                            sums.CopyTo(bestSums);
                            counts.CopyTo(bestCounts);
                        }
                    }
                }
            }
        }

        if (double.IsNegativeInfinity(bestScore))
        {
            return new WatermarkDetection(false, default, 0, 0, scale);
        }

        Span<bool> bits = stackalloc bool[WatermarkCodeword.Length];
        for (int q = 0; q < Tile; q++)
        {
            for (int p = 0; p < Tile; p++)
            {
                int index = IndexFor(p, q, bestTx, bestTy);
                bits[index] = (bestSums[(q * Tile) + p] > 0) ^ WatermarkCodeword.Key[index];
            }
        }

        bool valid = WatermarkCodeword.TryDecode(bits, out WatermarkPayload payload);
        if (valid)
        {
            WatermarkCodeword.Encode(payload, bits);
        }

        double accuracy = BitAccuracy(luma, width, height, bestOx, bestOy, bestTx, bestTy, bits, wrap);
        return new WatermarkDetection(valid && bestScore >= MinConfidence, payload, accuracy, bestScore, scale);
    }

    private static double SyncScore(ReadOnlySpan<float> sums, ReadOnlySpan<float> counts, int tx, int ty)
    {
        const int Tile = WatermarkCodeword.TileBlocks;
        double agreement = 0;
        double total = 0;
        for (int q = 0; q < Tile; q++)
        {
            for (int p = 0; p < Tile; p++)
            {
                int index = IndexFor(p, q, tx, ty);
                if (index >= WatermarkCodeword.SyncBits)
                {
                    continue;
                }

                float expected = WatermarkCodeword.SyncBit(index) ^ WatermarkCodeword.Key[index] ? 1f : -1f;
                agreement += expected * sums[(q * Tile) + p];
                total += counts[(q * Tile) + p];
            }
        }

        return total == 0 ? 0 : agreement / total;
    }

    private static double BitAccuracy(float[] luma, int width, int height, int ox, int oy, int tx, int ty, ReadOnlySpan<bool> bits, bool wrap)
    {
        const int Tile = WatermarkCodeword.TileBlocks;
        int blocksX = (wrap ? width : width - ox) / Block;
        int blocksY = (wrap ? height : height - oy) / Block;
        int agree = 0;
        for (int by = 0; by < blocksY; by++)
        {
            for (int bx = 0; bx < blocksX; bx++)
            {
                int index = IndexFor(bx % Tile, by % Tile, tx, ty);
                bool expected = bits[index] ^ WatermarkCodeword.Key[index];
                bool seen = Difference(luma, width, height, ox + (bx * Block), oy + (by * Block)) > 0;
                agree += expected == seen ? 1 : 0;
            }
        }

        return blocksX * blocksY == 0 ? 0 : (double)agree / (blocksX * blocksY);
    }

    private static int IndexFor(int p, int q, int tx, int ty)
    {
        const int Tile = WatermarkCodeword.TileBlocks;
        return WatermarkCodeword.IndexAt[(((q + ty) % Tile) * Tile) + ((p + tx) % Tile)];
    }

    private static float Difference(float[] luma, int width, int height, int left, int top)
    {
        float d = 0;
        for (int y = 0; y < Block; y++)
        {
            int row = Wrap(top + y, height) * width;
            for (int x = 0; x < Block; x++)
            {
                d += luma[row + Wrap(left + x, width)] * Pattern[(y * Block) + x];
            }
        }

        return d;
    }

    private static float[] Upscale2(float[] luma, int width, int height)
    {
        int w2 = width * 2;
        int h2 = height * 2;
        var result = new float[w2 * h2];
        for (int y = 0; y < h2; y++)
        {
            float sy = Math.Clamp(((y + 0.5f) * 0.5f) - 0.5f, 0, height - 1);
            int y0 = (int)sy;
            int y1 = Math.Min(y0 + 1, height - 1);
            float fy = sy - y0;
            for (int x = 0; x < w2; x++)
            {
                float sx = Math.Clamp(((x + 0.5f) * 0.5f) - 0.5f, 0, width - 1);
                int x0 = (int)sx;
                int x1 = Math.Min(x0 + 1, width - 1);
                float fx = sx - x0;
                float top = (luma[(y0 * width) + x0] * (1 - fx)) + (luma[(y0 * width) + x1] * fx);
                float bottom = (luma[(y1 * width) + x0] * (1 - fx)) + (luma[(y1 * width) + x1] * fx);
                result[(y * w2) + x] = (top * (1 - fy)) + (bottom * fy);
            }
        }

        return result;
    }

    // Orthonormal 8×8 DCT-II basis (u, v) = (1, 2) minus (2, 1): u is the horizontal frequency, v the vertical.
    private static float[] BuildPattern()
    {
        var pattern = new float[Block * Block];
        for (int y = 0; y < Block; y++)
        {
            for (int x = 0; x < Block; x++)
            {
                pattern[(y * Block) + x] = (float)(Basis(1, 2, x, y) - Basis(2, 1, x, y));
            }
        }

        return pattern;
    }

    private static double Basis(int u, int v, int x, int y)
    {
        double au = u == 0 ? Math.Sqrt(1.0 / Block) : Math.Sqrt(2.0 / Block);
        double av = v == 0 ? Math.Sqrt(1.0 / Block) : Math.Sqrt(2.0 / Block);
        return au * av * Math.Cos((2 * x + 1) * u * Math.PI / (2 * Block)) * Math.Cos((2 * y + 1) * v * Math.PI / (2 * Block));
    }

    private static void CheckImage(int length, int width, int height)
    {
        if (width < 1 || height < 1 || length != (long)width * height * 4)
        {
            throw new RealtimeGenException(
                $"Expected {width}×{height} RGBA8 pixels ({(long)width * height * 4} bytes); found {length} bytes.");
        }
    }
}
