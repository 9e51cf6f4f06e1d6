namespace RealtimeGen.Engine.Frames;

/// <summary>Percentiles of a set of timings in milliseconds (nearest-rank percentiles).</summary>
/// <param name="Count">Number of samples.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="P50">Median.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="Max">Largest sample.</param>
public readonly record struct TimingSummary(int Count, double Mean, double P50, double P95, double P99, double Max)
{
    /// <summary>Summarises <paramref name="samples"/>; sorts the span in place.</summary>
    public static TimingSummary Of(Span<double> samples)
    {
        if (samples.IsEmpty)
        {
            return default;
        }

        samples.Sort();
        var sum = 0.0;
        foreach (var s in samples)
        {
            sum += s;
        }

        return new TimingSummary(
            samples.Length,
            sum / samples.Length,
            Percentile(samples, 0.50),
            Percentile(samples, 0.95),
            Percentile(samples, 0.99),
            samples[^1]);
    }

    /// <summary>The nearest-rank percentile of an ascending span: the smallest sample with at least q of the samples at or below it.</summary>
    public static double Percentile(ReadOnlySpan<double> sortedAscending, double q)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sortedAscending.Length, nameof(sortedAscending));
        ArgumentOutOfRangeException.ThrowIfNegative(q);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1.0);
        var rank = (int)Math.Ceiling(q * sortedAscending.Length);
        return sortedAscending[Math.Clamp(rank - 1, 0, sortedAscending.Length - 1)];
    }
}
