using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Watermarking;

namespace RealtimeGen.Plugin.Pipeline;

/// <summary>How an <see cref="LcmPipeline"/> is set up.</summary>
public sealed record LcmPipelineOptions
{
    /// <summary>Execution provider, threads and session optimisation.</summary>
    public InferenceOptions Inference { get; init; } = new();

    /// <summary>Prompts whose embeddings are kept.</summary>
    public int PromptCacheCapacity { get; init; } = 64;

    /// <summary>Largest width or height accepted, in pixels.</summary>
    public int MaxImageSize { get; init; } = 2048;

    /// <summary>Largest batch accepted.</summary>
    public int MaxBatchSize { get; init; } = 16;

    /// <summary>Mark every RGBA8 output and preview with the <see cref="InvisibleWatermark"/> (float output is never marked).</summary>
    public bool Watermark { get; init; } = true;

    /// <summary>The payload to mark with; null derives it from the package's <see cref="Assets.ModelFingerprint"/>
    /// and <see cref="WatermarkPayload.RealtimeGenTag"/>.</summary>
    public WatermarkPayload? WatermarkPayload { get; init; }

    /// <summary>Margin of the watermark (see <see cref="InvisibleWatermark.DefaultStrength"/>).</summary>
    public double WatermarkStrength { get; init; } = InvisibleWatermark.DefaultStrength;

    /// <summary>Latent cells of circular padding for seamless generation (8 = 64 pixels); keep padded sizes
    /// acceptable to the UNet (a multiple of its down-sampling).</summary>
    public int SeamlessPadding { get; init; } = 8;

    /// <summary>Largest decode, in output pixels over the batch, done in one decoder run; larger decodes run in
    /// overlapping windows of <see cref="DecodeTileLatents"/> latent cells.</summary>
    public long DecodeBudgetPixels { get; init; } = 512L * 512;

    /// <summary>Latent cells per side of a decode window's core (32 = 256 pixels).</summary>
    public int DecodeTileLatents { get; init; } = 32;

    /// <summary>Latent cells by which decode windows overlap their neighbours on each side.</summary>
    public int DecodeOverlapLatents { get; init; } = 4;
}
