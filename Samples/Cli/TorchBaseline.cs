using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RealtimeGen.Engine;

namespace RealtimeGen.Samples.Cli;

/// <summary>
/// The PyTorch eager pipeline of <c>Training/</c> (<c>python3 -m rtg_training.bench</c>), run as a child process
/// with the same model, steps, size and thread count, so that <c>realtimegen bench --torch</c> compares both in one run.
/// </summary>
/// <param name="TextEncodeP50">Tokenise + text encode, p50 ms.</param>
/// <param name="UnetStepP50">One UNet step, p50 ms.</param>
/// <param name="DecodeP50">VAE decode, p50 ms.</param>
/// <param name="EndToEndP50">End to end, p50 ms.</param>
/// <param name="EndToEndP95">End to end, p95 ms.</param>
/// <param name="Weights">Where the baseline's weights came from, as it reports it ("package DIR" or "run DIR").</param>
public sealed record TorchBaseline(double TextEncodeP50, double UnetStepP50, double DecodeP50, double EndToEndP50, double EndToEndP95, string Weights)
{
    private const string Python = "/usr/bin/python3";

    /// <summary>Runs the baseline; throws <see cref="RealtimeGenException"/> naming what is missing or what failed when it cannot.</summary>
    /// <param name="trainingDirectory">The repository's Training folder.</param>
    /// <param name="packageDirectory">The model package the C# side runs: by default the baseline loads its ONNX weights.</param>
    /// <param name="runDirectory">A recipe run folder to take the weights from instead, or null.</param>
    /// <param name="arguments">Runs, warm-up, steps, size, threads and prompt, as the C# side used them.</param>
    /// <param name="cancellationToken">Stops the child process.</param>
    public static TorchBaseline Run(string trainingDirectory, string packageDirectory, string? runDirectory, (int Runs, int Warmup, int Steps, int Size, int Threads, string Prompt) arguments, CancellationToken cancellationToken)
    {
        if (!File.Exists(Python))
        {
            throw new RealtimeGenException($"{Python} is missing: install python3-torch (scripts/install-os-deps.sh --tests) for the PyTorch baseline.");
        }

        if (!Directory.Exists(Path.Combine(trainingDirectory, "rtg_training")))
        {
            throw new RealtimeGenException($"Expected the training recipe at {trainingDirectory}/rtg_training; run bench --torch from a repository checkout.");
        }

        var start = new ProcessStartInfo(Python) { WorkingDirectory = trainingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-m", "rtg_training.bench" })
        {
            start.ArgumentList.Add(a);
        }

        void Add(string name, object value)
        {
            start.ArgumentList.Add("--" + name);
            start.ArgumentList.Add(Convert.ToString(value, CultureInfo.InvariantCulture)!);
        }

        Add("runs", arguments.Runs);
        Add("warmup", arguments.Warmup);
        Add("steps", arguments.Steps);
        Add("size", arguments.Size);
        Add("threads", arguments.Threads);
        Add("prompt", arguments.Prompt);
        if (runDirectory is not null)
        {
            Add("run", Path.GetFullPath(runDirectory));
        }
        else
        {
            Add("package", Path.GetFullPath(packageDirectory));
        }

        using var process = Process.Start(start) ?? throw new RealtimeGenException($"Could not start {Python}.");
        using CancellationTokenRegistration stop = cancellationToken.Register(() => process.Kill(entireProcessTree: true));
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        cancellationToken.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
        {
            // The baseline's own message is its last line (a traceback's too); the whole stderr can run to pages.
            string last = stderr.Result.Trim().Split('\n')[^1].Trim();
            throw new RealtimeGenException($"The PyTorch baseline ({Python} -m rtg_training.bench in {trainingDirectory}) failed with exit code {process.ExitCode}: {last}");
        }

        try
        {
            using JsonDocument json = JsonDocument.Parse(stdout);
            JsonElement ms = json.RootElement.GetProperty("ms");
            double P(string stage, string p) => ms.GetProperty(stage).GetProperty(p).GetDouble();
            string weights = json.RootElement.TryGetProperty("weights", out JsonElement w) ? w.GetString() ?? "" : "";
            return new TorchBaseline(P("text_encode", "p50"), P("unet_step", "p50"), P("decode", "p50"), P("end_to_end", "p50"), P("end_to_end", "p95"), weights);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new RealtimeGenException($"The PyTorch baseline printed no timings in the expected form ({{\"ms\": {{stage: {{p50, p95}}}}}}): {e.Message}", e);
        }
    }
}
