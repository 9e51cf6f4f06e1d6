using System.Text.Json;
using System.Text.Json.Serialization;

namespace RealtimeGen.Engine.Frames;

/// <summary>The summary of a <see cref="FrameStats"/> ring, as written to the frame-stats JSON.</summary>
/// <param name="Frames">Frames summarised.</param>
/// <param name="BudgetMs">The frame budget in milliseconds.</param>
/// <param name="CpuMs">CPU time per frame (work inside the phases).</param>
/// <param name="FrameMs">Frame-to-frame time.</param>
/// <param name="FramesOverBudget">Frames whose frame-to-frame time exceeded the budget.</param>
public sealed record FrameStatsSummary(
    int Frames,
    double BudgetMs,
    TimingSummary CpuMs,
    TimingSummary FrameMs,
    int FramesOverBudget)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The summary as indented JSON with snake_case names.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/>, creating its folder.</summary>
    public void WriteJson(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, ToJson());
    }

    /// <summary>A one-line human summary, e.g. for the console at the end of a run.</summary>
    public override string ToString() =>
        $"{Frames} frames: frame p50 {FrameMs.P50:F2} ms, p95 {FrameMs.P95:F2}, p99 {FrameMs.P99:F2}, max {FrameMs.Max:F2}; " +
        $"cpu p50 {CpuMs.P50:F2} ms, p99 {CpuMs.P99:F2}; {FramesOverBudget} over the {BudgetMs:F2} ms budget";
}
