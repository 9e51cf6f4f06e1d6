namespace RealtimeGen.Plugin.Scheduling;

/// <summary>
/// The guidance-scale embedding of LCM-distilled UNets (diffusers' <c>get_guidance_scale_embedding</c>):
/// w' = (w − 1)·1000, frequencies exp(−ln(10000)·i/(d/2 − 1)), result [sin(w'·f) ‖ cos(w'·f)].
/// </summary>
public static class GuidanceEmbedding
{
    /// <summary>Writes the embedding of <paramref name="guidanceScale"/> into <paramref name="destination"/>.</summary>
    /// <param name="guidanceScale">The guidance scale w as users give it (8.5 is diffusers' LCM default).</param>
    /// <param name="destination">Receives d values; d is its length and must be even and at least 4.</param>
    /// <remarks>Computed in single precision like diffusers, so it matches a PyTorch export bit for bit
    /// up to the platform's sin/cos.</remarks>
    public static void Write(double guidanceScale, Span<float> destination)
    {
        if (destination.Length < 4 || destination.Length % 2 != 0)
        {
            throw new ArgumentException(
                $"The guidance embedding needs an even length of at least 4; found {destination.Length}. " +
                "Use the UNet's timestep_cond width (256 for LCM).",
                nameof(destination));
        }

        int half = destination.Length / 2;
        float w = (float)(guidanceScale - 1.0) * 1000f;
        float step = MathF.Log(10000f) / (half - 1);
        for (int i = 0; i < half; i++)
        {
            float angle = w * MathF.Exp(i * -step);
            destination[i] = MathF.Sin(angle);
            destination[half + i] = MathF.Cos(angle);
        }
    }
}
