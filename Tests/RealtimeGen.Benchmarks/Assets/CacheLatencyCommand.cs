using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Ecs;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Plugin;
using RealtimeGen.Plugin.Components;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Systems;
using RealtimeGen.Samples.DemoScene;

namespace RealtimeGen.Benchmarks.Assets;

/// <summary>
/// <c>cache-latency [--rounds N] [--sizes 128,256,512] [--steps S] [--model DIR]</c>: request-to-final latency of the
/// in-game texture system with the asset cache, for a miss (inference, then the store) and for a hit of the same
/// request on a new entity, and the render thread's time per frame (Update + Upload + EndFrame) while misses and while
/// hits arrive (both include the texture's creation and upload), and how long a miss keeps its worker after the final
/// image (the store: maps, four PNGs, hashes), which delays the next job.
/// </summary>
internal static class CacheLatencyCommand
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    public static int Run(string[] args)
    {
        int rounds = 10;
        int steps = 4;
        int[] sizes = [128, 256, 512];
        string? model = null;
        for (int i = 0; i < args.Length; i += 2)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"option '{args[i]}' needs a value");
            switch (args[i])
            {
                case "--rounds": rounds = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "--steps": steps = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "--sizes": sizes = [.. value.Split(',').Select(s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture))]; break;
                case "--model": model = value; break;
                default: throw new ArgumentException($"unknown option '{args[i]}' (cache-latency takes --rounds, --sizes, --steps, --model)");
            }
        }

        string cache = Path.Combine(Path.GetTempPath(), "rtg-cache-latency-" + Guid.NewGuid().ToString("N"));
        try
        {
            string package = DemoModel.Locate(model);
            using var context = GraphicsContextFactory.Create(new GraphicsContextOptions { Mode = GraphicsContextMode.Headless, Width = 64, Height = 64 });
            int largest = sizes.Max();
            var options = new TextureGenerationPluginOptions
            {
                CacheDirectory = cache,
                Streamer = new() { SlotBytes = Math.Max(largest * largest * 4, 512 * 512 * 4) },
                Service = new() { PreviewMode = PreviewMode.FinalOnly },
            };
            var world = new World();
            using var plugin = TextureGenerationPlugin.Load(context.Gl, world, null, package, options, NullLogger.Instance);
            Console.WriteLine($"# In-game asset cache: request → final texture, {steps} steps, {rounds} requests per size, CPU");
            Console.WriteLine("| size | miss p50 / p99 ms | hit p50 / p99 ms | store after a miss p50 / p99 ms | render thread per frame, misses: p50 / p99 / max ms | hits: p50 / p99 / max ms |");
            Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
            long frame = 0;
            foreach (int size in sizes)
            {
                var misses = new List<double>();
                var stores = new List<double>();
                var hits = new List<double>();
                var missFrames = new List<double>();
                var hitFrames = new List<double>();
                for (int round = -1; round < rounds; round++)
                {
                    // Round -1 warms the pipeline up for this size and is not counted.
                    var request = new TextureRequest($"cache latency {size}") { Seed = 1000 + round, Steps = steps, Width = size, Height = size };
                    (double miss, _, double store) = Final(plugin, world, request, ref frame, round >= 0 ? missFrames : null);
                    (double hit, bool fromCache, _) = Final(plugin, world, request, ref frame, round >= 0 ? hitFrames : null);
                    if (!fromCache)
                    {
                        throw new RealtimeGenException($"The repeated {size}² request was not served from the cache.");
                    }

                    if (round >= 0)
                    {
                        misses.Add(miss);
                        hits.Add(hit);
                        stores.Add(store);
                    }
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {size} | {Percentile(misses, 50):F1} / {Percentile(misses, 99):F1} | {Percentile(hits, 50):F1} / {Percentile(hits, 99):F1} | {Percentile(stores, 50):F1} / {Percentile(stores, 99):F1} | {Frames(missFrames)} | {Frames(hitFrames)} |"));
            }

            Console.WriteLine($"Inferences {plugin.Service.CompletedInferenceCount}, cache hits {plugin.Service.CacheHitCount}, stores {plugin.Service.CacheStoreCount}.");
            return 0;
        }
        catch (RealtimeGenException e)
        {
            Console.Error.WriteLine($"cache-latency: {e.Message}");
            return 1;
        }
        finally
        {
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
    }

    // Runs frames on a new entity with the request until its final image is in the texture and the worker is idle
    // (its store done); returns the system's latency, whether the image came from the cache, and the milliseconds from
    // the final image to the idle worker.
    private static (double LatencyMs, bool FromCache, double AfterFinalMs) Final(
        TextureGenerationPlugin plugin, World world, TextureRequest request, ref long frame, List<double>? frameTimes)
    {
        Entity entity = world.Create(request);
        var patience = Stopwatch.StartNew();
        double latency = -1;
        bool fromCache = false;
        long finalAt = 0;
        while (latency < 0 || plugin.Service.RunningCount > 0 || plugin.Service.QueuedCount > 0)
        {
            if (patience.Elapsed > Patience)
            {
                throw new RealtimeGenException($"No final image for {request.Width}² after {Patience.TotalSeconds} s.");
            }

            var time = new FrameTime(frame, 0.016, frame * 0.016);
            long start = Stopwatch.GetTimestamp();
            plugin.Update(in time);
            foreach (TextureUpdate update in plugin.Generation.Updates)
            {
                if (update.Entity == entity && update.IsFinal)
                {
                    latency = update.LatencyMs;
                    fromCache = update.FromCache;
                    finalAt = Stopwatch.GetTimestamp();
                }
            }

            plugin.Upload(in time);
            plugin.EndFrame();
            frameTimes?.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            frame++;
            Thread.Sleep(1);
        }

        double afterFinal = Stopwatch.GetElapsedTime(finalAt).TotalMilliseconds;
        world.Destroy(entity);
        return (latency, fromCache, afterFinal);
    }

    private static string Frames(List<double> times) =>
        string.Create(CultureInfo.InvariantCulture, $"{Percentile(times, 50):F3} / {Percentile(times, 99):F3} / {times.Max():F3}");

    // NaN for no samples (e.g. no store timed), so the table shows the gap instead of a zero.
    private static double Percentile(List<double> values, int percent) =>
        values.Count == 0 ? double.NaN : TimingSummary.Percentile([.. values.Order()], percent / 100.0);
}
