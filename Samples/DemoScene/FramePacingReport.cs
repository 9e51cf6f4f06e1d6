using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>The three runs of the frame-pacing benchmark and how they compare.</summary>
internal sealed record FramePacingReport(int Width, int Height, int RequestEveryFrames, int PaceHz, IReadOnlyList<FramePacingRun> Runs)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Frame pacing, demo scene at {Width}x{Height} headless, a new 128x128 4-step request every {RequestEveryFrames} frames");
        text.AppendLine(PaceHz > 0
            ? string.Create(CultureInfo.InvariantCulture, $"Frames paced at {PaceHz} Hz; times are each frame's work (phases + glFinish), not the period.")
            : "Frames back to back (each waits for the GPU with glFinish); times are frame to frame.");
        text.AppendLine();
        text.AppendLine("| run | frames | p50 ms | p99 ms | max ms | frames > 2x (a) median | textures/s | request→first image p50 ms | request→final p50 ms |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (FramePacingRun run in Runs)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {run.Name} | {run.Frames} | {run.P50Ms:F2} | {run.P99Ms:F2} | {run.MaxMs:F2} | {run.FramesOverTwiceBaseline}/{run.Frames} | {run.TexturesPerSecond:F2} | {Ms(run.FirstImageP50Ms)} | {Ms(run.FinalP50Ms)} |");
        }

        if (Runs.Count >= 2 && Runs[0].P99Ms > 0)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"p99 of (b) / p99 of (a) = {Runs[1].P99Ms / Runs[0].P99Ms:F2} (goal ≤ 1.25)");
        }

        return text.ToString();
    }

    public void WriteJson(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    private static string Ms(double value) => double.IsNaN(value) ? "–" : value.ToString("F1", CultureInfo.InvariantCulture);
}
