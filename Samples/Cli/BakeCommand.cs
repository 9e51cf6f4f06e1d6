using System.Globalization;
using Microsoft.Extensions.Logging;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Samples.Cli;

/// <summary><c>realtimegen bake MANIFEST --out DIR</c>: generates a list of assets with their maps through the
/// content-addressed asset cache.</summary>
public static class BakeCommand
{
    private const string Help = """
        Usage: realtimegen bake MANIFEST --out DIR [options]

        Generates every asset of MANIFEST (strict JSON) into DIR as NAME.png (albedo, watermarked), NAME_normal.png,
        NAME_height.png, NAME_roughness.png and NAME.json, with a progress bar on stderr. Assets already in the cache
        are copied without inference, so an interrupted bake resumes and a repeated one is instant.

        Manifest:
          { "defaults": { "size": 256, "steps": 4, "seamless": true },
            "assets": [ { "name": "brick", "prompt": "red brick wall", "seed": 1 }, … ] }
          asset fields: name, prompt (required); negative, seed, steps, size or width/height (128–1024, multiples
          of 8), seamless (default true), roll, guidance, init (image path relative to the manifest), strength

        Options:
          --out DIR           output folder (required)
          --cache DIR         asset cache folder (default: $XDG_CACHE_HOME/realtimegen/assets or ~/.cache/…)
          --cache-size MB     cache size cap; least recently used entries are evicted (default 1024)
          --no-watermark      do not embed the invisible watermark
          --model DIR         model package folder (default: Models/rtg-texture-lcm above the executable)
          --provider NAME     auto, cpu, cuda or directml (default auto)
          --threads N         intra-op threads (default: cores − 1)
          --verbose           log provider choice and cache events
          --help              this text

        Exit codes: 0 ok, 1 runtime failure (bad manifest: the message names the line), 2 usage error.
        """;

    private static readonly string[] Valued = ["out", "cache", "cache-size", .. CliApp.CommonValued];

    private static readonly string[] Flags = ["no-watermark", .. CliApp.CommonFlags];

    /// <summary>Runs the command; see <see cref="ExitCode"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (CommandLine.ParseCommand("bake", args, Valued, Flags, Help, output, "MANIFEST") is not { } line)
        {
            return ExitCode.Ok;
        }

        string outputDirectory = line.Text("out") ?? throw new UsageException("bake needs --out DIR (the folder to write the assets to).");
        BakeManifest manifest = BakeManifest.Load(line.Positionals[0]);
        long capBytes = line.Int32Option("cache-size", 1024, 1, 1 << 20) * (1L << 20);
        using ILoggerFactory logging = CliApp.Logging(line);
        ILogger logger = logging.CreateLogger("realtimegen");
        var cache = new AssetCache(line.Text("cache") ?? DefaultCacheFolder(), capBytes, logger);
        string model = CliApp.ResolveModel(line);
        string fingerprint = ModelFingerprint.Compute(model);
        var inference = CliApp.Inference(line, Math.Max(1, Environment.ProcessorCount - 1));
        LcmPipelineOptions options = CliApp.PipelineOptions(line, inference);
        var pipeline = new Lazy<LcmPipeline>(() => LcmPipeline.Load(model, options, logger));
        try
        {
            var baker = new Baker(cache, pipeline, fingerprint, options.Watermark);
            BakeResult result = baker.Bake(manifest, outputDirectory, error, cancellationToken);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"baked {result.Total} asset(s) into {outputDirectory}: {result.Cached} from the cache, {result.Generated} generated, {result.Elapsed.TotalSeconds:F2} s"));
            return ExitCode.Ok;
        }
        finally
        {
            if (pipeline.IsValueCreated)
            {
                pipeline.Value.Dispose();
            }
        }
    }

    /// <summary>The shared per-user cache folder the demo and the CLI use by default.</summary>
    internal static string DefaultCacheFolder()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(root, "realtimegen", "assets");
    }
}
