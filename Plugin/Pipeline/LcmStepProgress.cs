namespace RealtimeGen.Plugin.Pipeline;

/// <summary>The state after one denoising step, valid only during the callback.</summary>
/// <remarks>The spans point into the pipeline's buffers and are overwritten by the next step: copy what
/// must outlive the callback.</remarks>
public readonly ref struct LcmStepProgress
{
    /// <summary>Creates the progress view.</summary>
    public LcmStepProgress(int step, int stepCount, int timestep, ReadOnlySpan<float> predictedLatents, ReadOnlySpan<byte> previewRgba)
    {
        Step = step;
        StepCount = stepCount;
        Timestep = timestep;
        PredictedLatents = predictedLatents;
        PreviewRgba = previewRgba;
    }

    /// <summary>Steps done so far, 1 … <see cref="StepCount"/>.</summary>
    public int Step { get; }

    /// <summary>Steps of this generation.</summary>
    public int StepCount { get; }

    /// <summary>Training timestep of the step just done.</summary>
    public int Timestep { get; }

    /// <summary>The predicted x₀ latents (scaled, B·C·h·w), the live preview in latent space.</summary>
    public ReadOnlySpan<float> PredictedLatents { get; }

    /// <summary>The predicted x₀ decoded to RGBA8 in the caller's preview buffer; empty when none was given.</summary>
    public ReadOnlySpan<byte> PreviewRgba { get; }
}
