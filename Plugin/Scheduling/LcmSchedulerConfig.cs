namespace RealtimeGen.Plugin.Scheduling;

/// <summary>
/// The fields of diffusers' <c>LCMScheduler</c> configuration that change its arithmetic; the defaults are
/// diffusers' (and the shipped model's).
/// </summary>
public sealed record LcmSchedulerConfig
{
    /// <summary>Length of the training noise schedule.</summary>
    public int NumTrainTimesteps { get; init; } = 1000;

    /// <summary>First β of the schedule.</summary>
    public double BetaStart { get; init; } = 0.00085;

    /// <summary>Last β of the schedule.</summary>
    public double BetaEnd { get; init; } = 0.012;

    /// <summary><c>"scaled_linear"</c> (SD) or <c>"linear"</c>.</summary>
    public string BetaSchedule { get; init; } = "scaled_linear";

    /// <summary>Steps of the distillation grid the LCM timesteps are drawn from (50 for LCM).</summary>
    public int OriginalInferenceSteps { get; init; } = 50;

    /// <summary>What the UNet predicts.</summary>
    public PredictionType PredictionType { get; init; } = PredictionType.Epsilon;

    /// <summary>Multiplier of the integer timestep in the boundary-condition scalings (10 for LCM).</summary>
    public double TimestepScaling { get; init; } = 10.0;

    /// <summary>When true, ᾱ before the first training step is taken as 1.</summary>
    public bool SetAlphaToOne { get; init; } = true;

    /// <summary>When true, the predicted x₀ is clipped to ±<see cref="ClipSampleRange"/>.</summary>
    public bool ClipSample { get; init; }

    /// <summary>Clip range used when <see cref="ClipSample"/> is set.</summary>
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary>Rescale β so the final SNR is zero (Lin et al. 2023).</summary>
    public bool RescaleBetasZeroSnr { get; init; }
}
