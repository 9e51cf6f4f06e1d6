using System.Globalization;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Watermarking;

namespace RealtimeGen.Samples.Cli;

/// <summary><c>realtimegen verify IMAGE</c>: reports whether an image carries the RealtimeGen watermark.</summary>
public static class VerifyCommand
{
    private const string Help = """
        Usage: realtimegen verify IMAGE [options]

        Looks for the invisible RealtimeGen watermark in IMAGE (PNG, JPEG, TGA or BMP), also in crops, re-encoded
        and half-size copies, and prints its payload: the model id and the generator tag.

        Options:
          --help              this text

        Exit codes: 0 marked (payload printed), 1 unreadable image, 2 usage error, 3 no watermark found.
        """;

    /// <summary>Runs the command; see <see cref="ExitCode"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        if (CommandLine.ParseCommand("verify", args, [], ["help"], Help, output, "IMAGE") is not { } line)
        {
            return ExitCode.Ok;
        }

        string path = line.Positionals[0];
        Image image = ImageFile.Load(path);
        WatermarkDetection result = InvisibleWatermark.Detect(image.Pixels, image.Width, image.Height);
        if (result.Found)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{path}: marked, payload {result.Payload}; block bit accuracy {result.BitAccuracy:P1}, sync confidence {result.Confidence:F2}{(result.Scale > 1 ? ", found at 2× (a downscaled copy)" : "")}"));
            return ExitCode.Ok;
        }

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{path}: no RealtimeGen watermark found (best sync confidence {result.Confidence:F2})"));
        return ExitCode.Unmarked;
    }
}
