using System.Globalization;
using Microsoft.Extensions.Logging;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Samples.Cli;

/// <summary><c>realtimegen vary IMAGE</c>: variations of an existing texture through img2img, at its size, tiling
/// when it tiles.</summary>
public static class VaryCommand
{
    private const string Help = """
        Usage: realtimegen vary IMAGE [options]

        Writes COUNT variations of IMAGE through img2img at the image's own size (128–1024 per side, multiples of
        8; the shipped model needs multiples of 32). A texture that tiles (seam ratio ≤ 1.7) gives tiling variations.

        Options:
          --strength S        how much of the image is replaced, 0–1 (default 0.5)
          --count N           variations, 1–64 (default 4); variation K uses seed + K
          --prompt TEXT       steers the variations (default: none)
          --seed N            first seed (default 0)
          --steps N           denoising steps (default 4; at most 50 × strength)
          --guidance W        guidance scale (default: the model's own, else 8.5)
          --output STEM       write STEM-K.png (default: IMAGE's path without extension, plus -var)
          --seamless          force tiling output
          --no-seamless       never tile, even when the input tiles
          --no-watermark      do not embed the invisible watermark
          --model DIR         model package folder (default: Models/rtg-texture-lcm above the executable)
          --provider NAME     auto, cpu, cuda or directml (default auto)
          --threads N         intra-op threads (default: cores − 1)
          --verbose           log provider choice
          --help              this text

        Exit codes: 0 ok, 1 runtime failure (e.g. unreadable image), 2 usage error.
        """;

    private static readonly string[] Valued = ["strength", "count", "prompt", "seed", "steps", "guidance", "output", .. CliApp.CommonValued];

    private static readonly string[] Flags = ["seamless", "no-seamless", "no-watermark", .. CliApp.CommonFlags];

    /// <summary>Runs the command; see <see cref="ExitCode"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (CommandLine.ParseCommand("vary", args, Valued, Flags, Help, output, "IMAGE") is not { } line)
        {
            return ExitCode.Ok;
        }

        if (line.Has("seamless") && line.Has("no-seamless"))
        {
            throw new UsageException("--seamless and --no-seamless contradict each other; give at most one.");
        }

        string input = line.Positionals[0];
        double strength = line.Number("strength", 0.5, 0, 1);
        int count = line.Int32Option("count", 4, 1, 64);
        long seed = line.Int64Option("seed", 0);
        Image image = ImageFile.Load(input);
        AssetSize.Check(image.Width, image.Height, input);
        bool seamless = line.Has("seamless") || (!line.Has("no-seamless") && SeamMetric.IsSeamless(image.Pixels, image.Width, image.Height));
        var request = new GenerationRequest
        {
            Prompt = line.Text("prompt") ?? "",
            Steps = line.Int32Option("steps", 4, 1, 1000),
            Width = image.Width,
            Height = image.Height,
            GuidanceScale = line.OptionalNumber("guidance", 0, 100),
            InitImage = InitImage.FromRgba(image.Pixels, image.Width, image.Height, image.Width, image.Height),
            Strength = strength,
            Seamless = seamless,
        };

        string stem = line.Text("output") ?? Path.Combine(Path.GetDirectoryName(input) ?? "", Path.GetFileNameWithoutExtension(input) + "-var");
        using ILoggerFactory logging = CliApp.Logging(line);
        using LcmPipeline pipeline = CliApp.OpenPipeline(line, logging.CreateLogger("realtimegen"), Math.Max(1, Environment.ProcessorCount - 1));
        for (int k = 0; k < count; k++)
        {
            byte[] rgba = pipeline.Generate(request with { Seed = seed + k }, null, cancellationToken);
            string path = string.Create(CultureInfo.InvariantCulture, $"{stem}-{k}.png");
            PngFile.Write(path, rgba, image.Width, image.Height);
            output.WriteLine(path);
        }

        error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{count} variation(s) of {input} at {image.Width}×{image.Height}, strength {strength}, {(seamless ? "seamless" : "not seamless")}"));
        return ExitCode.Ok;
    }
}
