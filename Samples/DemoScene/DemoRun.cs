using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Plugin;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>Opens the context the options ask for, runs the demo's frames and writes what a headless run promises.</summary>
internal static class DemoRun
{
    private const int WarmUpFrames = 10;

    // A headless run without --frames ends when the script's textures are final, or after this long.
    private const double MaxScriptRunSeconds = 120;
    private const int FramesAfterScript = 10;
    private const double FramePeriodSeconds = 1.0 / 60;

    public static int Run(DemoOptions options, ILogger logger)
    {
        // Read the script and find the model before opening anything, so bad input fails fast and clearly.
        DemoScript script = options.ScriptPath is { } scriptPath
            ? DemoScript.Load(scriptPath, DemoApp.ObjectNames.Length)
            : DemoScript.Parse(DemoScript.Default, "built-in script", DemoApp.ObjectNames.Length);
        string? model = options.Generate || options.Bench ? DemoModel.Locate(options.ModelDirectory) : null;

        var headlessDefault = options.Mode == GraphicsContextMode.Headless || options.Bench;
        using var context = GraphicsContextFactory.Create(new GraphicsContextOptions
        {
            Mode = options.Bench ? GraphicsContextMode.Headless : options.Mode,
            Width = options.Width ?? (headlessDefault ? 960 : 1280),
            Height = options.Height ?? (headlessDefault ? 540 : 720),
            VSync = options.VSync,
            Title = "RealtimeGen demo",
            Logger = logger,
        });

        if (options.Bench)
        {
            var report = FramePacingBench.Run(context, model!, options.BenchFrames, logger, textureSink: options.TextureSink);
            Console.WriteLine(report.ToMarkdown());
            var output = Path.GetFullPath(options.OutputDirectory);
            Directory.CreateDirectory(output);
            report.WriteJson(Path.Combine(output, "frame-pacing.json"));
            return 0;
        }

        return context.IsHeadless ? RunHeadless(context, options, script, model, logger) : RunWindowed(context, options, script, model, logger);
    }

    private static TextureGenerationPluginOptions PluginOptions(DemoOptions options) =>
        new() { CacheDirectory = options.CacheDirectory, Sink = options.TextureSink };

    private static int RunWindowed(IGraphicsContext context, DemoOptions options, DemoScript script, string? model, ILogger logger)
    {
        using var app = new DemoApp(context, model is null ? DemoGeneration.Off : DemoGeneration.Streamed, model, logger, PluginOptions(options));
        var loop = new FrameLoop(context, new FrameStats());
        var player = new DemoScriptPlayer(script);
        var clock = Stopwatch.StartNew();
        var frames = options.Frames ?? long.MaxValue;
        while (loop.FrameCount < frames && !context.ShouldClose)
        {
            player.Advance(clock.Elapsed.TotalSeconds, cue => app.RequestTexture(cue.ObjectIndex, cue.Prompt));
            loop.RunFrame(app);
        }

        var summaryLine = loop.Stats.Summarize().ToString();
        DemoLog.FrameSummary(logger, summaryLine);
        return 0;
    }

    private static int RunHeadless(IGraphicsContext context, DemoOptions options, DemoScript script, string? model, ILogger logger)
    {
        using var app = new DemoApp(context, model is null ? DemoGeneration.Off : DemoGeneration.Streamed, model, logger, PluginOptions(options));
        var loop = new FrameLoop(context, new FrameStats());
        var output = Path.GetFullPath(options.OutputDirectory);
        Directory.CreateDirectory(output);
        var sheet = new ContactSheet(columns: 6, scale: Math.Max(1, context.Width / 240));
        app.ContactSheet = model is null ? null : sheet;
        app.CapturePath = Path.Combine(output, "first-frame.png");

        var player = new DemoScriptPlayer(script);
        var clock = Stopwatch.StartNew();
        var warmUp = Math.Min(options.Frames ?? WarmUpFrames, WarmUpFrames);
        var afterScript = 0;
        while (true)
        {
            double seconds = clock.Elapsed.TotalSeconds;
            bool done = options.Frames is { } n
                ? loop.FrameCount >= n - 1
                : (player.Finished && app.IsIdle && ++afterScript > FramesAfterScript) || seconds > MaxScriptRunSeconds;
            if (done)
            {
                break;
            }

            if (loop.FrameCount == warmUp)
            {
                loop.Stats.Clear();
            }

            app.ClockSeconds = seconds;
            player.Advance(seconds, cue => app.RequestTexture(cue.ObjectIndex, cue.Prompt));
            loop.RunFrame(app);

            // Paced like a 60 Hz display, as a game would be: the CPU time a frame leaves is the workers'.
            var idle = FramePeriodSeconds - (clock.Elapsed.TotalSeconds - seconds);
            if (idle > 0.001)
            {
                Thread.Sleep(TimeSpan.FromSeconds(idle));
            }
        }

        // The measured frames end here: the last-frame capture below reads back and encodes a PNG synchronously.
        var summary = loop.Stats.Summarize();
        app.CapturePath = Path.Combine(output, "last-frame.png");
        if (options.Frames is not { } total || loop.FrameCount < total)
        {
            loop.RunFrame(app);
        }

        app.FlushContactSheet();
        var summaryLine = summary.ToString();
        DemoLog.FrameSummary(logger, summaryLine);
        summary.WriteJson(Path.Combine(output, "frame-stats.json"));
        var files = "first-frame.png, last-frame.png and frame-stats.json";
        if (sheet.Count > 0)
        {
            sheet.Write(Path.Combine(output, "contact-sheet.png"), Path.Combine(output, "contact-sheet.txt"));
            files += $", contact-sheet.png ({sheet.Count} frames) and contact-sheet.txt";
        }

        DemoLog.Wrote(logger, files, output);
        return 0;
    }
}
