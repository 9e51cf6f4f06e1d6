using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Samples.DemoScene;

namespace RealtimeGen.Benchmarks.Frames;

/// <summary>
/// The frame-pacing benchmark on the demo scene, headless: (a) no generation, (b) continuous generation streamed
/// through the plugin, (c) the pipeline called synchronously in the frame. Prints a markdown table and writes
/// out/bench/frame-pacing.json.
/// </summary>
internal static class FramesCommand
{
    public static int Run(IReadOnlyList<string> args)
    {
        int frames = 600;
        int width = 960;
        int height = 540;
        string? model = null;
        string output = Path.Combine("out", "bench");
        var priority = WorkerPriority.Low;
        int paceHz = 0;
        var sink = TextureSinkKind.CpuStaging;
        for (int i = 0; i < args.Count; i++)
        {
            string value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"option '{args[i]}' needs a value");
            switch (args[i])
            {
                case "--frames": frames = Positive(args[i], value); break;
                case "--width": width = Positive(args[i], value); break;
                case "--height": height = Positive(args[i], value); break;
                case "--model": model = value; break;
                case "--out": output = value; break;
                case "--pace": paceHz = Positive(args[i], value); break;
                case "--texture-sink": sink = Sink(value); break;
                case "--worker-priority":
                    priority = Enum.TryParse(value, ignoreCase: true, out WorkerPriority parsed)
                        ? parsed
                        : throw new ArgumentException($"option '--worker-priority' expects idle, low or normal, got '{value}'");
                    break;
                default:
                    throw new ArgumentException(
                        $"unknown option '{args[i]}' (frames takes --frames, --width, --height, --model, --out, --worker-priority, --pace HZ, --texture-sink staging|external|auto)");
            }

            i++;
        }

        try
        {
            string package = DemoModel.Locate(model);
            using var context = GraphicsContextFactory.Create(new GraphicsContextOptions
            {
                Mode = GraphicsContextMode.Headless,
                Width = width,
                Height = height,
            });
            FramePacingReport report = FramePacingBench.Run(context, package, frames, NullLogger.Instance, priority, paceHz, sink);
            Console.WriteLine(report.ToMarkdown());
            Directory.CreateDirectory(output);
            string json = Path.Combine(output, "frame-pacing.json");
            report.WriteJson(json);
            Console.WriteLine($"Wrote {Path.GetFullPath(json)}");
            return 0;
        }
        catch (RealtimeGenException e)
        {
            Console.Error.WriteLine($"frames: {e.Message}");
            return 1;
        }
    }

    private static int Positive(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new ArgumentException($"option '{option}' expects a positive whole number, got '{value}'");

    private static TextureSinkKind Sink(string value)
    {
        try
        {
            return TextureSinkSelector.Parse(value);
        }
        catch (RealtimeGenException e)
        {
            throw new ArgumentException($"option '--texture-sink': {e.Message}", e);
        }
    }
}
