using Microsoft.Extensions.Logging;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Models;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Samples.Cli;

/// <summary>
/// The <c>realtimegen</c> command line: <c>generate</c>, <c>vary</c>, <c>bake</c>, <c>verify</c>, <c>info</c> and <c>bench</c>. Exit codes are those of
/// <see cref="ExitCode"/>.
/// </summary>
public static class CliApp
{
    /// <summary>Options every command accepts.</summary>
    internal static readonly string[] CommonValued = ["model", "provider", "threads"];

    /// <summary>Flags every command accepts.</summary>
    internal static readonly string[] CommonFlags = ["help", "verbose"];

    private const string MainHelp = """
        realtimegen — few-step latent consistency texture generation

        Usage: realtimegen <command> [options]

        Commands:
          generate PROMPT   write a texture PNG (the shipped model is the default)
          vary IMAGE        variations of an existing texture through img2img
          bake MANIFEST     generate a list of assets with maps, through the asset cache
          verify IMAGE      check an image for the RealtimeGen watermark
          info              model card summary, I/O signatures, available providers
          bench             p50/p95 latency per stage and end to end

        Run `realtimegen <command> --help` for a command's options.
        Exit codes: 0 ok, 1 runtime failure, 2 usage error, 3 (verify) no watermark.
        """;

    private static readonly string[] Commands = ["generate", "vary", "bake", "verify", "info", "bench"];

    /// <summary>Runs one command line and returns its exit code; never throws.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Count == 0 || args[0] is "--help" or "-h" or "help")
        {
            (args.Count == 0 ? error : output).WriteLine(MainHelp);
            return args.Count == 0 ? ExitCode.Usage : ExitCode.Ok;
        }

        string[] rest = [.. args.Skip(1)];
        try
        {
            return args[0] switch
            {
                "generate" => GenerateCommand.Run(rest, output, error, cancellationToken),
                "vary" => VaryCommand.Run(rest, output, error, cancellationToken),
                "bake" => BakeCommand.Run(rest, output, error, cancellationToken),
                "verify" => VerifyCommand.Run(rest, output),
                "info" => InfoCommand.Run(rest, output, error),
                "bench" => BenchCommand.Run(rest, output, error, cancellationToken),
                _ => throw new UsageException($"Unknown command \"{args[0]}\"; expected {string.Join(", ", Commands)}."),
            };
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            error.WriteLine($"Run `realtimegen {(Commands.Contains(args[0]) ? args[0] + " " : "")}--help` for usage.");
            return ExitCode.Usage;
        }
        catch (RealtimeGenException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCode.Failure;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return ExitCode.Failure;
        }
        catch (IOException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCode.Failure;
        }
        catch (UnauthorizedAccessException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCode.Failure;
        }
    }

    /// <summary>The package folder: <c>--model DIR</c>, else Models/rtg-texture-lcm above the executable or
    /// the working directory.</summary>
    internal static string ResolveModel(CommandLine line)
    {
        if (line.Text("model") is { } explicitPath)
        {
            return Path.GetFullPath(explicitPath);
        }

        return ModelPackage.FindDefault(AppContext.BaseDirectory)
            ?? ModelPackage.FindDefault(Environment.CurrentDirectory)
            ?? throw new RealtimeGenException(
                $"Expected the shipped model Models/{ModelPackage.DefaultModelName} above {AppContext.BaseDirectory} or " +
                $"{Environment.CurrentDirectory}; none found. Pass --model DIR, or run from a clone of the repository.");
    }

    /// <summary>Inference options from <c>--provider</c> and <c>--threads</c>.</summary>
    internal static InferenceOptions Inference(CommandLine line, int defaultThreads)
    {
        ExecutionProvider provider;
        try
        {
            provider = SessionFactory.ParseProvider(line.Text("provider") ?? "auto");
        }
        catch (RealtimeGenException e)
        {
            throw new UsageException(e.Message, e);
        }

        return new InferenceOptions { Provider = provider, IntraOpThreads = line.Int32Option("threads", defaultThreads, 1, 256) };
    }

    /// <summary>A console logger on stderr: warnings by default, information with <c>--verbose</c>.</summary>
    internal static ILoggerFactory Logging(CommandLine line) =>
        LoggerFactory.Create(builder => builder
            .AddSimpleConsole(options => options.SingleLine = true)
            .AddFilter(level => level >= (line.Has("verbose") ? LogLevel.Information : LogLevel.Warning)));

    /// <summary>Opens the pipeline for a command line.</summary>
    internal static LcmPipeline OpenPipeline(CommandLine line, ILogger logger, int defaultThreads)
    {
        InferenceOptions inference = Inference(line, defaultThreads);
        return LcmPipeline.Load(ResolveModel(line), PipelineOptions(line, inference), logger);
    }

    /// <summary>Pipeline options: the inference settings, and the watermark unless <c>--no-watermark</c>.</summary>
    internal static LcmPipelineOptions PipelineOptions(CommandLine line, InferenceOptions inference) =>
        new() { Inference = inference, Watermark = !line.Has("no-watermark") };
}
