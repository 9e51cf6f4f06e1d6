using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Plugin;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Plugin.Generation;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>
/// Frame pacing with and without generation, in one process on the same scene: (a) no generation, (b) continuous
/// generation streamed through the plugin, (c) the naive baseline calling the pipeline inside the frame.
/// </summary>
internal static class FramePacingBench
{
    public const int RequestEveryFrames = 10;

    private const int WarmUpFrames = 30;

    private static readonly string[] Prompts =
    [
        "mossy red brick wall", "green marble", "old wood planks", "blue floor tiles", "dark wet cobblestone",
        "cracked white marble", "large yellow sand", "rusty metal plate",
    ];

    public static FramePacingReport Run(
        IGraphicsContext context,
        string modelDirectory,
        int frames,
        ILogger logger,
        WorkerPriority workerPriority = WorkerPriority.Low,
        int paceHz = 0,
        TextureSinkKind textureSink = TextureSinkKind.CpuStaging)
    {
        var runs = new List<FramePacingRun>(3);
        var plugin = new TextureGenerationPluginOptions
        {
            Service = new GenerationServiceOptions { WorkerPriority = workerPriority },
            Sink = textureSink,
        };
        string sink = textureSink == TextureSinkKind.CpuStaging ? "" : $", sink {textureSink}";
        var pace = new Pace(paceHz);
        FramePacingRun baseline = Measure(context, DemoGeneration.Off, "(a) no generation", modelDirectory, frames, 0, logger, plugin, pace);
        runs.Add(baseline);
        runs.Add(Measure(
            context, DemoGeneration.Streamed, $"(b) streamed through the system, worker {workerPriority}{sink}", modelDirectory, frames, baseline.P50Ms, logger, plugin, pace));
        runs.Add(Measure(context, DemoGeneration.Synchronous, "(c) naive: synchronous in the frame", modelDirectory, frames, baseline.P50Ms, logger, plugin, pace));
        runs.Add(Measure(
            context, DemoGeneration.Streamed, $"(d) streamed, next request once the last is final (latency){sink}", modelDirectory, frames, baseline.P50Ms, logger, plugin, pace, oneAtATime: true));
        return new FramePacingReport(context.Width, context.Height, RequestEveryFrames, paceHz, runs);
    }

    private static FramePacingRun Measure(
        IGraphicsContext context,
        DemoGeneration generation,
        string name,
        string modelDirectory,
        int frames,
        double baselineMedian,
        ILogger logger,
        TextureGenerationPluginOptions plugin,
        Pace pace,
        bool oneAtATime = false)
    {
        using var app = new DemoApp(context, generation, modelDirectory, logger, plugin) { FinishEachFrame = true };
        var loop = new FrameLoop(context, new FrameStats(capacity: Math.Max(frames, 16)));

        // Warm up: every object once (model load, first inference, textures at their size), until all are final.
        for (int i = 0; i < DemoApp.ObjectNames.Length && generation != DemoGeneration.Off; i++)
        {
            app.RequestTexture(i, Prompts[i], seed: 100 + i);
        }

        var patience = Stopwatch.StartNew();
        while ((loop.FrameCount < WarmUpFrames || !app.IsIdle) && patience.Elapsed < TimeSpan.FromMinutes(3))
        {
            loop.RunFrame(app);
        }

        app.FirstImageMs.Clear();
        app.FinalMs.Clear();
        loop.Stats.Clear();
        int requests = 0;
        var clock = Stopwatch.StartNew();
        for (int frame = 0; frame < frames; frame++)
        {
            bool due = oneAtATime ? app.IsIdle : frame % RequestEveryFrames == 0;
            if (generation != DemoGeneration.Off && due)
            {
                app.RequestTexture(requests % DemoApp.ObjectNames.Length, Prompts[requests % Prompts.Length], seed: requests);
                requests++;
            }

            long start = Stopwatch.GetTimestamp();
            loop.RunFrame(app);
            pace.Wait(start);
        }

        // Paced like a display, frame-to-frame time is the period; the frame's own work time is what stalls show in.
        double seconds = clock.Elapsed.TotalSeconds;
        var times = new double[loop.Stats.Count];
        if (pace.Hz > 0)
        {
            loop.Stats.CopyCpuTimes(times);
        }
        else
        {
            loop.Stats.CopyFrameTimes(times);
        }
        var summary = TimingSummary.Of(times);
        double threshold = 2 * (baselineMedian > 0 ? baselineMedian : summary.P50);
        int over = times.Count(t => t > threshold);
        return new FramePacingRun(
            name,
            times.Length,
            summary.P50,
            summary.P99,
            summary.Max,
            over,
            app.FinalMs.Count / seconds,
            Median(app.FirstImageMs),
            Median(app.FinalMs),
            requests,
            app.FinalMs.Count);
    }

    private readonly record struct Pace(int Hz)
    {
        public void Wait(long frameStart)
        {
            if (Hz <= 0)
            {
                return;
            }

            double left = (1.0 / Hz) - Stopwatch.GetElapsedTime(frameStart).TotalSeconds;
            if (left > 0.0005)
            {
                Thread.Sleep(TimeSpan.FromSeconds(left));
            }
        }
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.ToArray();
        return TimingSummary.Of(sorted).P50;
    }
}
