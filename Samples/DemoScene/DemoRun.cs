using Microsoft.Extensions.Logging;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Platform;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>Opens the context the options ask for, runs the demo's frames and writes what a headless run promises.</summary>
internal static class DemoRun
{
    private const long DefaultHeadlessFrames = 180;
    private const int WarmUpFrames = 10;

    public static int Run(DemoOptions options, ILogger logger)
    {
        var headlessDefault = options.Mode == GraphicsContextMode.Headless;
        using var context = GraphicsContextFactory.Create(new GraphicsContextOptions
        {
            Mode = options.Mode,
            Width = options.Width ?? (headlessDefault ? 960 : 1280),
            Height = options.Height ?? (headlessDefault ? 540 : 720),
            VSync = options.VSync,
            Title = "RealtimeGen demo",
            Logger = logger,
        });

        using var app = new DemoApp(context);
        var loop = new FrameLoop(context, new FrameStats());
        var frames = options.Frames ?? (context.IsHeadless ? DefaultHeadlessFrames : long.MaxValue);
        var output = Path.GetFullPath(options.OutputDirectory);
        if (context.IsHeadless)
        {
            Directory.CreateDirectory(output);
            app.CapturePath = Path.Combine(output, "first-frame.png");
        }

        loop.Run(app, Math.Min(frames, WarmUpFrames));
        loop.Stats.Clear();
        var remaining = frames - loop.FrameCount;
        if (remaining > 1)
        {
            loop.Run(app, remaining - 1);
        }

        if (context.IsHeadless)
        {
            app.CapturePath = Path.Combine(output, "last-frame.png");
        }

        if (remaining > 0)
        {
            loop.Run(app, 1);
        }

        var summary = loop.Stats.Summarize();
        var summaryLine = summary.ToString();
        DemoLog.FrameSummary(logger, summaryLine);
        if (context.IsHeadless)
        {
            summary.WriteJson(Path.Combine(output, "frame-stats.json"));
            DemoLog.Wrote(logger, "first-frame.png, last-frame.png and frame-stats.json", output);
        }

        return 0;
    }
}
