using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RealtimeGen.Engine;

namespace RealtimeGen.Samples.Cli;

/// <summary>
/// The PyTorch eager pipeline of <c>Training/</c> (<c>python3 -m rtg_training.bench --serve</c>) as a child process
/// with the same model, steps, size and thread count. It times runs when asked, so that <c>realtimegen bench
/// --torch</c> can alternate blocks of its own runs with blocks of the baseline's: on a shared machine both sides
/// then see the same slow and fast phases, and the speed-up compares like with like.
/// </summary>
public sealed class TorchBaseline : IDisposable
{
    private const string Python = "/usr/bin/python3";

    private readonly Process process;
    private readonly StringBuilder errors = new();
    private readonly List<double> textEncode = [];
    private readonly List<double> unetStep = [];
    private readonly List<double> decode = [];
    private readonly List<double> endToEnd = [];

    private TorchBaseline(Process process, string trainingDirectory)
    {
        this.process = process;
        TrainingDirectory = trainingDirectory;
    }

    /// <summary>Where the baseline's weights came from, as it reports it ("package DIR" or "run DIR").</summary>
    public string Weights { get; private set; } = "";

    /// <summary>Tokenise + text encode of every timed run, ms.</summary>
    public IReadOnlyList<double> TextEncode => textEncode;

    /// <summary>The mean UNet step of every timed run, ms.</summary>
    public IReadOnlyList<double> UnetStep => unetStep;

    /// <summary>VAE decode of every timed run, ms.</summary>
    public IReadOnlyList<double> Decode => decode;

    /// <summary>End to end of every timed run, ms.</summary>
    public IReadOnlyList<double> EndToEnd => endToEnd;

    private string TrainingDirectory { get; }

    /// <summary>
    /// Starts the baseline and waits until it has loaded its weights and run its warm-up; throws
    /// <see cref="RealtimeGenException"/> naming what is missing or what failed when it cannot.
    /// </summary>
    /// <param name="trainingDirectory">The repository's Training folder.</param>
    /// <param name="packageDirectory">The model package the C# side runs: by default the baseline loads its ONNX weights.</param>
    /// <param name="runDirectory">A recipe run folder to take the weights from instead, or null.</param>
    /// <param name="arguments">Warm-up, steps, size, threads and prompt, as the C# side uses them.</param>
    /// <param name="cancellationToken">Stops the child process.</param>
    public static TorchBaseline Start(string trainingDirectory, string packageDirectory, string? runDirectory, (int Warmup, int Steps, int Size, int Threads, string Prompt) arguments, CancellationToken cancellationToken)
    {
        if (!File.Exists(Python))
        {
            throw new RealtimeGenException($"{Python} is missing: install python3-torch (scripts/install-os-deps.sh --tests) for the PyTorch baseline.");
        }

        if (!Directory.Exists(Path.Combine(trainingDirectory, "rtg_training")))
        {
            throw new RealtimeGenException($"Expected the training recipe at {trainingDirectory}/rtg_training; run bench --torch from a repository checkout.");
        }

        var start = new ProcessStartInfo(Python)
        {
            WorkingDirectory = trainingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { "-m", "rtg_training.bench", "--serve" })
        {
            start.ArgumentList.Add(a);
        }

        void Add(string name, object value)
        {
            start.ArgumentList.Add("--" + name);
            start.ArgumentList.Add(Convert.ToString(value, CultureInfo.InvariantCulture)!);
        }

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

        var baseline = new TorchBaseline(Process.Start(start) ?? throw new RealtimeGenException($"Could not start {Python}."), trainingDirectory);
        try
        {
            baseline.process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (baseline.errors)
                    {
                        baseline.errors.AppendLine(e.Data);
                    }
                }
            };
            baseline.process.BeginErrorReadLine();
            using JsonDocument ready = baseline.Reply(cancellationToken);
            baseline.Weights = ready.RootElement.TryGetProperty("weights", out JsonElement w) ? w.GetString() ?? "" : "";
            return baseline;
        }
        catch
        {
            baseline.Dispose();
            throw;
        }
    }

    /// <summary>Times <paramref name="count"/> more runs and appends their stage times to the series.</summary>
    /// <param name="count">Runs, at least 1.</param>
    /// <param name="cancellationToken">Stops the child process.</param>
    public void Run(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        process.StandardInput.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {count}"));
        process.StandardInput.Flush();
        using JsonDocument reply = Reply(cancellationToken);
        try
        {
            JsonElement ms = reply.RootElement.GetProperty("ms");
            void Append(List<double> series, string stage)
            {
                foreach (JsonElement v in ms.GetProperty(stage).EnumerateArray())
                {
                    series.Add(v.GetDouble());
                }
            }

            Append(textEncode, "text_encode");
            Append(unetStep, "unet_step");
            Append(decode, "decode");
            Append(endToEnd, "end_to_end");
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            throw new RealtimeGenException($"The PyTorch baseline answered 'run {count}' without times in the expected form ({{\"ms\": {{stage: [ms, ...]}}}}): {e.Message}", e);
        }
    }

    /// <summary>Asks the baseline to quit and waits briefly; kills it if it does not.</summary>
    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.StandardInput.WriteLine("quit");
                process.StandardInput.Close();
                if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // The child is gone already (it failed, or a cancellation killed it): nothing left to stop.
        }

        process.Dispose();
    }

    /// <summary>The baseline's next stdout line as JSON; a failure names the child's own last error line.</summary>
    private JsonDocument Reply(CancellationToken cancellationToken)
    {
        using CancellationTokenRegistration stop = cancellationToken.Register(() => process.Kill(entireProcessTree: true));
        string? line = process.StandardOutput.ReadLine();
        cancellationToken.ThrowIfCancellationRequested();
        if (line is null)
        {
            process.WaitForExit();
            string last;
            lock (errors)
            {
                last = errors.ToString().Trim().Split('\n')[^1].Trim();
            }

            throw new RealtimeGenException($"The PyTorch baseline ({Python} -m rtg_training.bench in {TrainingDirectory}) failed with exit code {process.ExitCode}: {last}");
        }

        JsonDocument reply;
        try
        {
            reply = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new RealtimeGenException($"The PyTorch baseline printed a line that is not JSON: {line}", e);
        }

        if (reply.RootElement.ValueKind == JsonValueKind.Object && reply.RootElement.TryGetProperty("error", out JsonElement error))
        {
            string message = error.GetString() ?? "";
            reply.Dispose();
            throw new RealtimeGenException($"The PyTorch baseline refused a request: {message}");
        }

        return reply;
    }
}
