using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Plugin.Inference;

namespace RealtimeGen.Plugin.Pipeline;

/// <summary>
/// Decodes latents window by window and blends the windows with linear ramps over their overlap, so that a decode
/// never needs more memory than one window's, and (with wrap) so that the decoder sees the wrapped-around
/// neighbours at the image's borders and the result tiles.
/// </summary>
internal static class TiledDecoder
{
    /// <summary>
    /// Decodes <paramref name="latents"/> [B,C,h,w] (UNet scale) into <paramref name="image"/> [B,3,8h,8w].
    /// </summary>
    /// <param name="binding">The decoder bound at <see cref="WindowSize"/>.</param>
    /// <param name="latents">The latents.</param>
    /// <param name="batch">B.</param>
    /// <param name="height">h.</param>
    /// <param name="width">w.</param>
    /// <param name="core">Latent cells per window side before overlap (the whole image when larger).</param>
    /// <param name="overlap">Latent cells each window extends beyond its core on every side.</param>
    /// <param name="wrap">Read across the borders circularly (seamless) instead of keeping windows inside.</param>
    /// <param name="inverseScaling">1 / the VAE scaling factor.</param>
    /// <param name="image">Receives the decoded image.</param>
    /// <param name="weights">Scratch of 8h·8w floats.</param>
    /// <param name="runOptions">Carries cancellation.</param>
    public static void Decode(
        SessionBinding binding,
        ReadOnlySpan<float> latents,
        int batch,
        int height,
        int width,
        int core,
        int overlap,
        bool wrap,
        float inverseScaling,
        Span<float> image,
        Span<float> weights,
        RunOptions runOptions)
    {
        const int F = VaeDecoder.Factor;
        int imageWidth = width * F;
        int imageHeight = height * F;
        int coreX = Math.Min(core, width);
        int coreY = Math.Min(core, height);
        (int windowH, int windowW) = WindowSize(height, width, core, overlap, wrap);
        int channels = (int)(binding.Input(0).Floats.Length / ((long)batch * windowH * windowW));
        int tilesX = (width + coreX - 1) / coreX;
        int tilesY = (height + coreY - 1) / coreY;
        image.Clear();
        weights.Clear();
        Span<float> input = binding.Input(0).Floats;
        int outW = windowW * F;
        int outH = windowH * F;
        float band = Math.Max(1, overlap * F);
        for (int ty = 0; ty < tilesY; ty++)
        {
            int y0 = WindowStart(ty, coreY, overlap, height, windowH, wrap);
            for (int tx = 0; tx < tilesX; tx++)
            {
                int x0 = WindowStart(tx, coreX, overlap, width, windowW, wrap);
                for (int plane = 0; plane < batch * channels; plane++)
                {
                    ReadOnlySpan<float> from = latents.Slice(plane * height * width, height * width);
                    Span<float> to = input.Slice(plane * windowH * windowW, windowH * windowW);
                    for (int y = 0; y < windowH; y++)
                    {
                        int sy = LatentWrap.Wrap(y0 + y, height);
                        for (int x = 0; x < windowW; x++)
                        {
                            to[(y * windowW) + x] = from[(sy * width) + LatentWrap.Wrap(x0 + x, width)] * inverseScaling;
                        }
                    }
                }

                binding.Run(runOptions);
                ReadOnlySpan<float> output = binding.Output(0).Floats;
                bool left = wrap || x0 > 0;
                bool right = wrap || x0 + windowW < width;
                bool top = wrap || y0 > 0;
                bool bottom = wrap || y0 + windowH < height;
                for (int py = 0; py < outH; py++)
                {
                    float wy = Ramp(py, outH, top, bottom, band);
                    int gy = LatentWrap.Wrap((y0 * F) + py, imageHeight);
                    for (int px = 0; px < outW; px++)
                    {
                        float weight = wy * Ramp(px, outW, left, right, band);
                        int gx = LatentWrap.Wrap((x0 * F) + px, imageWidth);
                        int g = (gy * imageWidth) + gx;
                        weights[g] += weight;
                        int o = (py * outW) + px;
                        for (int plane = 0; plane < batch * 3; plane++)
                        {
                            image[(plane * imageHeight * imageWidth) + g] += weight * output[(plane * outH * outW) + o];
                        }
                    }
                }
            }
        }

        int pixels = imageWidth * imageHeight;
        for (int plane = 0; plane < batch * 3; plane++)
        {
            Span<float> target = image.Slice(plane * pixels, pixels);
            for (int i = 0; i < pixels; i++)
            {
                target[i] /= weights[i];
            }
        }
    }

    /// <summary>Latent height and width of the windows <see cref="Decode"/> runs the decoder on.</summary>
    public static (int Height, int Width) WindowSize(int height, int width, int core, int overlap, bool wrap)
    {
        int coreX = Math.Min(core, width);
        int coreY = Math.Min(core, height);
        return (
            wrap ? coreY + (2 * overlap) : Math.Min(coreY + (2 * overlap), height),
            wrap ? coreX + (2 * overlap) : Math.Min(coreX + (2 * overlap), width));
    }

    private static int WindowStart(int tile, int core, int overlap, int size, int window, bool wrap)
    {
        int start = Math.Min(tile * core, size - core);
        return wrap ? start - overlap : Math.Clamp(start - overlap, 0, size - window);
    }

    // 1 inside; towards an edge that has a neighbour, falling linearly across the inner half of the band to
    // nearly 0, and nearly 0 across the outer half, where the decoder saw the window's own border instead of the
    // neighbouring latents (never exactly 0, so that a pixel seen by one window only keeps a positive weight).
    private static float Ramp(int p, int size, bool low, bool high, float band)
    {
        float half = band * 0.5f;
        float r = 1f;
        if (low)
        {
            r = Math.Min(r, (p + 0.5f - half) / half);
        }

        if (high)
        {
            r = Math.Min(r, (size - p - 0.5f - half) / half);
        }

        return Math.Max(r, 1e-4f);
    }
}
