using System.Globalization;
using Microsoft.Extensions.Logging;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Samples.Cli;

/// <summary>
/// <c>realtimegen bench</c>: p50/p95 of tokenise, text encode, one UNet step, scheduler, decode and end to end
/// over N runs, and the pipeline's overhead over the session runs it makes.
/// </summary>
public static class BenchCommand
{
    private const string Help = """
        Usage: realtimegen bench [options]

        Generates N times and reports p50/p95 per stage and end to end. Every run clears the prompt cache, so
        tokenise and text encode are measured each time; "end to end, cached prompt" is a second series that
        reuses the embedding (a new seed for a known prompt). Overhead is end-to-end time outside ONNX Runtime
        session runs, relative to the session time.

        Options:
          --runs N            measured runs (default 50)
          --warmup N          unmeasured runs first (default 5)
          --steps N           denoising steps (default 4)
          --size N|WxH        output size (default 128)
          --prompt TEXT       prompt (default "mossy red brick wall")
          --model DIR         model package folder (default: Models/rtg-texture-lcm above the executable)
          --provider NAME     auto, cpu, cuda or directml (default auto)
          --threads N         intra-op threads (default 1)
          --torch             also time the PyTorch eager pipeline of Training/ (same steps, size and threads;
                              the same weights: it loads this package's ONNX files into the recipe's
                              networks) and print both side by side with the speed-up; the two
                              alternate in blocks of 10 runs, so both see the same machine load
          --torch-run DIR     take the baseline's weights from a recipe run folder instead of the package
          --verbose           log provider choice
          --help              this text

        Exit codes: 0 ok, 1 runtime failure, 2 usage error.
        """;

    /// <summary>Runs of ours, then as many of the PyTorch baseline's, in turn; short enough that a shared machine's
    /// slow and fast phases fall on both sides alike.</summary>
    private const int BaselineBlock = 10;

    private static readonly string[] Valued = ["runs", "warmup", "steps", "size", "prompt", "torch-run", .. CliApp.CommonValued];
    private static readonly string[] Flags = ["torch", .. CliApp.CommonFlags];

    /// <summary>Runs the command; see <see cref="ExitCode"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (CommandLine.ParseCommand("bench", args, Valued, Flags, Help, output, null) is not { } line)
        {
            return ExitCode.Ok;
        }

        int runs = line.Int32Option("runs", 50, 1, 100_000);
        int warmup = line.Int32Option("warmup", 5, 0, 10_000);
        (int width, int height) = line.Size("size", 128);
        var request = new GenerationRequest
        {
            Prompt = line.Text("prompt") ?? "mossy red brick wall",
            Steps = line.Int32Option("steps", 4, 1, 1000),
            Width = width,
            Height = height,
        };

        using ILoggerFactory logging = CliApp.Logging(line);
        using LcmPipeline pipeline = CliApp.OpenPipeline(line, logging.CreateLogger("realtimegen"), 1);
        var destination = new byte[LcmPipeline.RgbaByteCount(request)];
        var timings = new GenerationTimings();
        var cold = new Series(runs);
        var warm = new double[runs];
        using TorchBaseline? torch = line.Has("torch") ? StartBaseline(line, pipeline, request, width, height, warmup, error, cancellationToken) : null;
        int baselineDone = 0;
        for (int i = -warmup; i < runs; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            pipeline.PromptCache.Clear();
            pipeline.Generate(request with { Seed = i }, destination, default, null, timings, cancellationToken);
            if (i >= 0)
            {
                cold.Add(i, timings);
            }

            if (torch is not null && i >= 0 && ((i + 1) % BaselineBlock == 0 || i == runs - 1))
            {
                torch.Run(i + 1 - baselineDone, cancellationToken);
                baselineDone = i + 1;
            }

            ProgressBar.Draw(error, i + warmup + 1, warmup + runs, torch is null ? "cold prompt" : "cold prompt, PyTorch alternating");
        }

        for (int i = 0; i < runs; i++)
        {
            pipeline.Generate(request with { Seed = i }, destination, default, null, timings, cancellationToken);
            warm[i] = GenerationTimings.Milliseconds(timings.TotalTicks);
            ProgressBar.Draw(error, i + 1, runs, "cached prompt");
        }

        error.WriteLine();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"bench: {width}×{height}, {request.Steps} steps, {runs} runs after {warmup} warm-up, provider {pipeline.Provider}, {line.Int32Option("threads", 1, 1, 256)} intra-op thread(s)"));
        output.WriteLine("| stage | p50 ms | p95 ms |");
        output.WriteLine("| --- | ---: | ---: |");
        Row(output, "tokenise", cold.Tokenize);
        Row(output, "text encode", cold.TextEncode);
        Row(output, "UNet step (one run)", cold.UnetStep);
        Row(output, "scheduler + noise (all steps)", cold.Scheduler);
        Row(output, "VAE decode", cold.Decode);
        Row(output, "session runs (sum)", cold.Session);
        Row(output, "end to end, cold prompt", cold.Total);
        Row(output, "end to end, cached prompt", warm);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"overhead outside session runs: p50 {Percentile(cold.Overhead, 50):F1}%  p95 {Percentile(cold.Overhead, 95):F1}%"));
        if (torch is not null)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"PyTorch eager: {torch.EndToEnd.Count} runs, alternating with ours in blocks of {BaselineBlock} (cold prompt series)"));
            output.WriteLine("| p50 ms | ours (ONNX Runtime) | PyTorch eager | speed-up |");
            output.WriteLine("| --- | ---: | ---: | ---: |");
            Compare(output, "text encode", Percentile(cold.Tokenize, 50) + Percentile(cold.TextEncode, 50), Percentile(torch.TextEncode, 50));
            Compare(output, "UNet step", Percentile(cold.UnetStep, 50), Percentile(torch.UnetStep, 50));
            Compare(output, "VAE decode", Percentile(cold.Decode, 50), Percentile(torch.Decode, 50));
            Compare(output, "end to end", Percentile(cold.Total, 50), Percentile(torch.EndToEnd, 50));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"end to end p95: ours {Percentile(cold.Total, 95):F2} ms, PyTorch {Percentile(torch.EndToEnd, 95):F2} ms"));
            output.WriteLine($"PyTorch weights: {torch.Weights}");
        }

        return ExitCode.Ok;
    }

    /// <summary>Starts the PyTorch baseline (it loads and warms up before the timed runs begin).</summary>
    private static TorchBaseline StartBaseline(CommandLine line, LcmPipeline pipeline, GenerationRequest request, int width, int height, int warmup, TextWriter error, CancellationToken cancellationToken)
    {
        if (width != height)
        {
            throw new UsageException($"--torch compares square sizes only; found {width}×{height}.");
        }

        error.WriteLine("starting the PyTorch baseline (loads the weights, then warms up)…");
        string training = Path.Combine(Path.GetDirectoryName(pipeline.Package.Directory.TrimEnd('/', '\\'))!, "..", "Training");
        return TorchBaseline.Start(
            Path.GetFullPath(training),
            pipeline.Package.Directory,
            line.Text("torch-run"),
            (warmup, request.Steps, width, line.Int32Option("threads", 1, 1, 256), request.Prompt),
            cancellationToken);
    }

    /// <summary>Nearest-rank percentile of <paramref name="values"/> (not modified).</summary>
    public static double Percentile(IReadOnlyList<double> values, double percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        double[] sorted = [.. values];
        Array.Sort(sorted);
        int rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static void Row(TextWriter output, string name, IReadOnlyList<double> values) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Percentile(values, 50):F2} | {Percentile(values, 95):F2} |"));

    private static void Compare(TextWriter output, string name, double ours, double torch) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {ours:F2} | {torch:F2} | {torch / ours:F1}× |"));


    private sealed class Series(int runs)
    {
        public double[] Tokenize { get; } = new double[runs];

        public double[] TextEncode { get; } = new double[runs];

        public double[] UnetStep { get; } = new double[runs];

        public double[] Scheduler { get; } = new double[runs];

        public double[] Decode { get; } = new double[runs];

        public double[] Session { get; } = new double[runs];

        public double[] Total { get; } = new double[runs];

        public double[] Overhead { get; } = new double[runs];

        public void Add(int i, GenerationTimings t)
        {
            Tokenize[i] = GenerationTimings.Milliseconds(t.TokenizeTicks);
            TextEncode[i] = GenerationTimings.Milliseconds(t.TextEncodeTicks);
            UnetStep[i] = GenerationTimings.Milliseconds(t.UnetTicks) / Math.Max(1, t.UnetRuns);
            Scheduler[i] = GenerationTimings.Milliseconds(t.SchedulerTicks);
            Decode[i] = GenerationTimings.Milliseconds(t.DecodeTicks);
            Session[i] = GenerationTimings.Milliseconds(t.SessionTicks);
            Total[i] = GenerationTimings.Milliseconds(t.TotalTicks);
            Overhead[i] = 100.0 * (t.TotalTicks - t.SessionTicks) / Math.Max(1, t.SessionTicks);
        }
    }
}
