using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.Scheduling;

/// <summary>
/// The latent consistency model multistep scheduler with the semantics of diffusers' <c>LCMScheduler</c>
/// (0.24 and later): the skipping-step timestep schedule over the <c>original_inference_steps</c> grid, the
/// boundary-condition scalings c_skip/c_out (σ_data = 0.5), and re-noising between steps.
/// </summary>
/// <remarks>
/// Not thread-safe: <see cref="SetTimesteps"/> changes the schedule that <see cref="Step"/> reads. Use one
/// instance per worker. <see cref="Step"/> and <see cref="AddNoise"/> write into caller memory and allocate
/// nothing.
/// </remarks>
public sealed class LcmScheduler
{
    private const double SigmaData = 0.5;

    private readonly LcmSchedulerConfig _config;
    private readonly double[] _alphasCumprod;
    private readonly int[] _timesteps;
    private int _timestepCount;

    /// <summary>Builds the noise schedule of <paramref name="config"/>.</summary>
    public LcmScheduler(LcmSchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.NumTrainTimesteps < 2 || config.OriginalInferenceSteps < 1
            || config.OriginalInferenceSteps > config.NumTrainTimesteps)
        {
            throw new RealtimeGenException(
                $"Scheduler config: expected 2 ≤ num_train_timesteps and 1 ≤ original_inference_steps ≤ " +
                $"num_train_timesteps; found {config.NumTrainTimesteps} and {config.OriginalInferenceSteps}. " +
                "Fix scheduler/scheduler_config.json.");
        }

        _config = config;
        _alphasCumprod = BuildAlphasCumprod(config);
        FinalAlphaCumprod = config.SetAlphaToOne ? 1.0 : _alphasCumprod[0];
        _timesteps = new int[config.OriginalInferenceSteps];
    }

    /// <summary>The configuration this schedule was built from.</summary>
    public LcmSchedulerConfig Config => _config;

    /// <summary>ᾱ_t for t = 0 … num_train_timesteps − 1.</summary>
    public ReadOnlySpan<double> AlphasCumprod => _alphasCumprod;

    /// <summary>ᾱ used after the last timestep (1 when <c>set_alpha_to_one</c>).</summary>
    public double FinalAlphaCumprod { get; }

    /// <summary>The schedule set by the last <see cref="SetTimesteps"/>, largest timestep first.</summary>
    public ReadOnlySpan<int> Timesteps => _timesteps.AsSpan(0, _timestepCount);

    /// <summary>The most inference steps a schedule may have (the original grid's length).</summary>
    public int MaxSteps => _config.OriginalInferenceSteps;

    /// <summary>
    /// Chooses <paramref name="steps"/> timesteps from the LCM grid k·i − 1 (k = num_train / original steps),
    /// evenly spaced by index from the top, as diffusers does: 4 of 50 give 999, 759, 499, 259.
    /// </summary>
    /// <param name="steps">Number of denoising steps, 1 … <see cref="MaxSteps"/>·strength.</param>
    /// <param name="strength">For img2img: the grid is cut to its first ⌊original·strength⌋ points, so the
    /// schedule starts at a lower noise level. 1 for text-to-image.</param>
    public void SetTimesteps(int steps, double strength = 1.0)
    {
        if (double.IsNaN(strength) || strength <= 0 || strength > 1)
        {
            throw new RealtimeGenException(
                $"Expected a strength in (0, 1]; found {strength}. Use 1 for text-to-image, and skip denoising " +
                "altogether for strength 0.");
        }

        int original = _config.OriginalInferenceSteps;
        int gridLength = (int)Math.Floor(original * strength);
        if (steps < 1 || steps > gridLength)
        {
            throw new RealtimeGenException(
                $"Expected between 1 and {gridLength} steps (original_inference_steps {original} × strength " +
                $"{strength}); found {steps}. Choose fewer steps or a higher strength.");
        }

        int k = _config.NumTrainTimesteps / original;

        // diffusers: floor(linspace(0, len, steps, endpoint=False)) indexes the reversed grid; numpy's
        // linspace multiplies by a precomputed step, so do the same to floor identically.
        double spacing = (double)gridLength / steps;
        for (int i = 0; i < steps; i++)
        {
            int index = (int)Math.Floor(i * spacing);
            int gridPoint = gridLength - index;
            _timesteps[i] = (gridPoint * k) - 1;
        }

        _timestepCount = steps;
    }

    /// <summary>The boundary-condition scalings for an integer timestep.</summary>
    /// <param name="timestep">Training timestep t.</param>
    /// <param name="cSkip">σ²/((t·s)² + σ²), with s the timestep scaling and σ = 0.5.</param>
    /// <param name="cOut">t·s/√((t·s)² + σ²).</param>
    public void GetBoundaryScalings(int timestep, out double cSkip, out double cOut)
    {
        double scaled = timestep * _config.TimestepScaling;
        double denominator = (scaled * scaled) + (SigmaData * SigmaData);
        cSkip = SigmaData * SigmaData / denominator;
        cOut = scaled / Math.Sqrt(denominator);
    }

    /// <summary>
    /// One LCM step: predicts x₀ from the model output, applies the boundary scalings to get the denoised
    /// sample, and unless this is the last step re-noises it to the next timestep.
    /// </summary>
    /// <param name="stepIndex">Index into <see cref="Timesteps"/>.</param>
    /// <param name="modelOutput">The UNet output for <paramref name="sample"/> (after any guidance).</param>
    /// <param name="sample">The current latents x_t.</param>
    /// <param name="noise">Standard normal noise for re-noising; ignored (may be empty) on the last step.</param>
    /// <param name="previousSample">Receives x at the next timestep (the denoised sample on the last step).
    /// May alias <paramref name="sample"/>.</param>
    /// <param name="denoised">Receives the denoised prediction, the live preview of this step.</param>
    public void Step(
        int stepIndex,
        ReadOnlySpan<float> modelOutput,
        ReadOnlySpan<float> sample,
        ReadOnlySpan<float> noise,
        Span<float> previousSample,
        Span<float> denoised)
    {
        if ((uint)stepIndex >= (uint)_timestepCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(stepIndex), stepIndex, $"Expected an index below {_timestepCount}; call SetTimesteps first.");
        }

        int n = sample.Length;
        bool last = stepIndex == _timestepCount - 1;
        if (modelOutput.Length != n || previousSample.Length != n || denoised.Length != n
            || (!last && noise.Length != n))
        {
            throw new ArgumentException(
                $"All step buffers must hold {n} values; found model output {modelOutput.Length}, noise " +
                $"{noise.Length}, previous {previousSample.Length}, denoised {denoised.Length}.");
        }

        int t = _timesteps[stepIndex];
        int previousT = last ? t : _timesteps[stepIndex + 1];
        double alphaProd = _alphasCumprod[t];
        double alphaProdPrevious = previousT >= 0 ? _alphasCumprod[previousT] : FinalAlphaCumprod;
        GetBoundaryScalings(t, out double cSkipD, out double cOutD);

        float sqrtAlpha = (float)Math.Sqrt(alphaProd);
        float sqrtBeta = (float)Math.Sqrt(1.0 - alphaProd);
        float cSkip = (float)cSkipD;
        float cOut = (float)cOutD;
        float clip = (float)_config.ClipSampleRange;
        bool clipSample = _config.ClipSample;
        PredictionType prediction = _config.PredictionType;

        for (int i = 0; i < n; i++)
        {
            float x = sample[i];
            float e = modelOutput[i];
            float x0 = prediction switch
            {
                PredictionType.Epsilon => (x - (sqrtBeta * e)) / sqrtAlpha,
                PredictionType.VPrediction => (sqrtAlpha * x) - (sqrtBeta * e),
                _ => e,
            };
            if (clipSample)
            {
                x0 = Math.Clamp(x0, -clip, clip);
            }

            denoised[i] = (cOut * x0) + (cSkip * x);
        }

        if (last)
        {
            denoised.CopyTo(previousSample);
            return;
        }

        float sqrtAlphaPrevious = (float)Math.Sqrt(alphaProdPrevious);
        float sqrtBetaPrevious = (float)Math.Sqrt(1.0 - alphaProdPrevious);
        for (int i = 0; i < n; i++)
        {
            previousSample[i] = (sqrtAlphaPrevious * denoised[i]) + (sqrtBetaPrevious * noise[i]);
        }
    }

    /// <summary>Forward diffusion to <paramref name="timestep"/>: √ᾱ·x₀ + √(1−ᾱ)·ε.</summary>
    /// <param name="original">Clean latents x₀.</param>
    /// <param name="noise">Standard normal noise ε of the same length.</param>
    /// <param name="timestep">Training timestep t.</param>
    /// <param name="destination">Receives x_t; may alias <paramref name="original"/>.</param>
    public void AddNoise(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int timestep, Span<float> destination)
    {
        if (noise.Length != original.Length || destination.Length != original.Length)
        {
            throw new ArgumentException(
                $"Expected equal lengths; found original {original.Length}, noise {noise.Length}, destination " +
                $"{destination.Length}.");
        }

        if ((uint)timestep >= (uint)_alphasCumprod.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(timestep), timestep, "Expected a training timestep.");
        }

        float a = (float)Math.Sqrt(_alphasCumprod[timestep]);
        float b = (float)Math.Sqrt(1.0 - _alphasCumprod[timestep]);
        for (int i = 0; i < original.Length; i++)
        {
            destination[i] = (a * original[i]) + (b * noise[i]);
        }
    }

    private static double[] BuildAlphasCumprod(LcmSchedulerConfig config)
    {
        int n = config.NumTrainTimesteps;
        var betas = new double[n];
        switch (config.BetaSchedule)
        {
            case "scaled_linear":
                double start = Math.Sqrt(config.BetaStart);
                double end = Math.Sqrt(config.BetaEnd);
                for (int i = 0; i < n; i++)
                {
                    double root = start + ((end - start) * i / (n - 1));
                    betas[i] = root * root;
                }

                break;
            case "linear":
                for (int i = 0; i < n; i++)
                {
                    betas[i] = config.BetaStart + ((config.BetaEnd - config.BetaStart) * i / (n - 1));
                }

                break;
            default:
                throw new RealtimeGenException(
                    $"Scheduler config: expected beta_schedule \"scaled_linear\" or \"linear\"; found " +
                    $"\"{config.BetaSchedule}\". Fix scheduler/scheduler_config.json.");
        }

        var cumprod = new double[n];
        double product = 1.0;
        for (int i = 0; i < n; i++)
        {
            product *= 1.0 - betas[i];
            cumprod[i] = product;
        }

        if (config.RescaleBetasZeroSnr)
        {
            RescaleToZeroTerminalSnr(cumprod);
        }

        return cumprod;
    }

    // Lin et al. 2023: shift and scale √ᾱ so that the last step has zero signal, keep the first unchanged.
    private static void RescaleToZeroTerminalSnr(double[] cumprod)
    {
        int n = cumprod.Length;
        double first = Math.Sqrt(cumprod[0]);
        double last = Math.Sqrt(cumprod[n - 1]);
        for (int i = 0; i < n; i++)
        {
            double root = (Math.Sqrt(cumprod[i]) - last) * first / (first - last);
            cumprod[i] = root * root;
        }

        // A zero ᾱ would divide by zero when x₀ is predicted from ε; use a tiny value as diffusers' Euler scheduler does.
        cumprod[n - 1] = Math.Max(cumprod[n - 1], 1.0 / (1 << 24));
    }
}
