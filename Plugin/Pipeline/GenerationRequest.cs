namespace RealtimeGen.Plugin.Pipeline;

/// <summary>What to generate. Text-to-image unless <see cref="InitImage"/> is set.</summary>
public sealed record GenerationRequest
{
    /// <summary>The prompt; empty means unconditional.</summary>
    public string Prompt { get; init; } = "";

    /// <summary>Negative prompt, used only by models without the guidance embedding (classic CFG).</summary>
    public string NegativePrompt { get; init; } = "";

    /// <summary>Noise seed; the same request gives bit-identical output on the same machine.</summary>
    public long Seed { get; init; }

    /// <summary>Denoising steps, 1 to the scheduler's original steps (50) times <see cref="Strength"/>.</summary>
    public int Steps { get; init; } = 4;

    /// <summary>Output width in pixels, a positive multiple of 8.</summary>
    public int Width { get; init; } = 128;

    /// <summary>Output height in pixels, a positive multiple of 8.</summary>
    public int Height { get; init; } = 128;

    /// <summary>Guidance scale w, 0 to 100; null (the default) takes the model package's
    /// <see cref="Models.ModelPackage.DefaultGuidanceScale"/>: its recommended scale, else diffusers' LCM default 8.5.</summary>
    public double? GuidanceScale { get; init; }

    /// <summary>Images generated together, each with its own noise stream (seed, index).</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Start image for img2img, already sized to <see cref="Width"/>×<see cref="Height"/>; null for text-to-image.</summary>
    public InitImage? InitImage { get; init; }

    /// <summary>img2img strength in [0, 1]: how much of the init image is replaced. 0 returns the VAE
    /// reconstruction of the init image.</summary>
    public double Strength { get; init; } = 0.6;

    /// <summary>Make the texture tile: the UNet and the decoder see the latents padded circularly
    /// (<see cref="LcmPipelineOptions.SeamlessPadding"/>), whatever padding the model was trained with.</summary>
    public bool Seamless { get; init; }

    /// <summary>With <see cref="Seamless"/>, roll the latents by a seed-determined offset before every UNet run
    /// (and back after), so that the padding's borders never sit at the same place twice.</summary>
    public bool SeamlessRoll { get; init; }
}
