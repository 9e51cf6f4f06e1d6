using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Samples.Cli;

/// <summary><c>realtimegen generate PROMPT</c>: writes the texture as a PNG.</summary>
public static class GenerateCommand
{
    private const string Help = """
        Usage: realtimegen generate PROMPT [options]

        Writes a texture generated from PROMPT with the shipped model (or --model DIR).

        Options:
          --output PATH       PNG to write (default texture.png; with --batch N, PATH-0.png …)
          --negative TEXT     negative prompt (used only by models without guidance embedding)
          --seed N            noise seed (default 0); same seed, same image on this machine
          --steps N           denoising steps, 1–50 (default 4)
          --size N|WxH        output size in pixels, a multiple of the model's cell
                              (32 for the shipped model, 64 for SD1.5; default 128)
          --guidance W        guidance scale (default: the model's own, else 8.5)
          --batch N           images to generate together (default 1)
          --init PATH         start image for img2img (resized to --size)
          --strength S        img2img strength 0–1 (default 0.6; 0 returns the VAE reconstruction)
          --previews          also save every step's predicted image as PATH.stepK.png
          --seamless          make the texture tile (circular padding for any model)
          --roll              with --seamless, roll the latents by a seed-determined offset every step
          --no-watermark      do not embed the invisible watermark (on by default; see `realtimegen verify`)
          --model DIR         model package folder (default: Models/rtg-texture-lcm above the executable)
          --provider NAME     auto, cpu, cuda or directml (default auto)
          --threads N         intra-op threads (default: cores − 1)
          --verbose           log provider choice and timings
          --help              this text

        Exit codes: 0 ok, 1 runtime failure, 2 usage error.
        """;

    private static readonly string[] Valued =
        ["output", "negative", "seed", "steps", "size", "guidance", "batch", "init", "strength", .. CliApp.CommonValued];

    private static readonly string[] Flags = ["previews", "seamless", "roll", "no-watermark", .. CliApp.CommonFlags];

    /// <summary>Runs the command; see <see cref="ExitCode"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (CommandLine.ParseCommand("generate", args, Valued, Flags, Help, output, "PROMPT (quote it)") is not { } line)
        {
            return ExitCode.Ok;
        }

        (int width, int height) = line.Size("size", 128);
        string outputPath = line.Text("output") ?? "texture.png";
        int batch = line.Int32Option("batch", 1, 1, 64);
        var request = new GenerationRequest
        {
            Prompt = line.Positionals[0],
            NegativePrompt = line.Text("negative") ?? "",
            Seed = line.Int64Option("seed", 0),
            Steps = line.Int32Option("steps", 4, 1, 1000),
            Width = width,
            Height = height,
            GuidanceScale = line.OptionalNumber("guidance", 0, 100),
            BatchSize = batch,
            Strength = line.Number("strength", 0.6, 0, 1),
            Seamless = line.Has("seamless"),
            SeamlessRoll = line.Has("roll"),
        };

        using ILoggerFactory logging = CliApp.Logging(line);
        ILogger logger = logging.CreateLogger("realtimegen");
        using LcmPipeline pipeline = CliApp.OpenPipeline(line, logger, Math.Max(1, Environment.ProcessorCount - 1));
        if (line.Text("init") is { } initPath)
        {
            request = request with { InitImage = InitImage.Load(initPath, width, height) };
        }

        var image = new byte[LcmPipeline.RgbaByteCount(request)];
        byte[] preview = line.Has("previews") ? new byte[image.Length] : [];
        var savedPreviews = new List<string>();
        var stopwatch = Stopwatch.StartNew();
        pipeline.Generate(request, image, preview, (in LcmStepProgress progress) =>
        {
            if (!progress.PreviewRgba.IsEmpty)
            {
                WriteImages(OutputName(outputPath, $"step{progress.Step}"), progress.PreviewRgba, width, height, batch, savedPreviews);
            }
        }, null, cancellationToken);
        double milliseconds = stopwatch.Elapsed.TotalMilliseconds;

        var written = new List<string>();
        WriteImages(outputPath, image, width, height, batch, written);
        foreach (string path in written)
        {
            output.WriteLine(path);
        }

        foreach (string path in savedPreviews)
        {
            output.WriteLine(path);
        }

        error.WriteLine(
            $"{batch}× {width}×{height}, {request.Steps} steps, seed {request.Seed}, {pipeline.Provider}: {milliseconds:F1} ms (first run includes warm-up)");
        return ExitCode.Ok;
    }

    private static void WriteImages(string path, ReadOnlySpan<byte> rgba, int width, int height, int batch, List<string> written)
    {
        int size = width * height * 4;
        for (int b = 0; b < batch; b++)
        {
            string target = batch == 1 ? path : OutputName(path, b.ToString(System.Globalization.CultureInfo.InvariantCulture), separator: "-");
            PngFile.Write(target, rgba.Slice(b * size, size), width, height);
            written.Add(target);
        }
    }

    private static string OutputName(string path, string suffix, string separator = ".")
    {
        string extension = Path.GetExtension(path);
        string stem = extension.Length == 0 ? path : path[..^extension.Length];
        return $"{stem}{separator}{suffix}{(extension.Length == 0 ? ".png" : extension)}";
    }
}
