using Microsoft.Extensions.Logging;
using NUnit.Framework;
using RealtimeGen.Engine.Ecs;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Components;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;
using RealtimeGen.Plugin.Systems;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Plugin.Systems;

/// <summary>The in-game system with an asset cache, on the shipped model at a small size and two steps.</summary>
public class TextureGenerationSystemCacheTests
{
    private string _root = "";

    private static LcmPipeline Pipeline => ShippedModel.Pipeline;

    [SetUp]
    public void CreateFolder() => _root = Path.Combine(Path.GetTempPath(), "rtg-ingame-cache-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void RemoveFolder()
    {
        if (Directory.Exists(_root))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            Directory.Delete(_root, recursive: true);
        }
    }

    private static LcmGenerationBackend ShippedBackend() => new(Pipeline, ownsPipeline: false);

    private static TextureRequest Request(string prompt, long seed = 3) =>
        new(prompt) { Seed = seed, Steps = 2, Width = 64, Height = 64 };

    private static bool Completed(World world, Entity entity) =>
        world.TryGet(entity, out GenerationProgress progress) && progress.IsComplete;

    private static Entity Generate(StreamingHarness harness, TextureRequest request)
    {
        Entity entity = harness.World.Create(request);
        harness.RunUntil(() => Completed(harness.World, entity), $"the final image of \"{request.Prompt}\"");

        // A miss stores its image after publishing it; wait for that so the next request can hit.
        harness.RunUntil(
            () => harness.Plugin.Service.RunningCount == 0 && harness.Plugin.Service.QueuedCount == 0,
            "the worker to finish the job, its cache store included");
        return entity;
    }

    [Test]
    public void A_second_identical_request_is_served_from_the_cache_without_inference_and_gives_the_same_texture()
    {
        TextureRequest request = Request("weathered oak planks");
        var result = GlTestHost.Run(context =>
        {
            using var harness = new StreamingHarness(context.Gl, ShippedBackend, cacheDirectory: _root);
            GenerationService service = harness.Plugin.Service;
            Entity first = Generate(harness, request);
            byte[] firstPixels = harness.ReadTexture(first);
            long inferencesAfterFirst = service.CompletedInferenceCount;
            long storesAfterFirst = service.CacheStoreCount;

            Entity second = Generate(harness, request);
            harness.Settle();
            TextureUpdate[] secondUpdates = [.. harness.FullUpdates.Where(u => u.Entity == second)];
            return (
                First: firstPixels,
                Second: harness.ReadTexture(second),
                inferencesAfterFirst,
                storesAfterFirst,
                Inferences: service.CompletedInferenceCount,
                Hits: service.CacheHitCount,
                SecondUpdates: secondUpdates,
                SecondProgress: harness.World.Get<GenerationProgress>(second));
        });

        byte[] direct = Pipeline.Generate(request.ToGenerationRequest());
        Assert.Multiple(() =>
        {
            Assert.That(result.inferencesAfterFirst, Is.EqualTo(1));
            Assert.That(result.storesAfterFirst, Is.EqualTo(1), "the first final image was stored");
            Assert.That(result.Inferences, Is.EqualTo(1), "the second request ran no inference");
            Assert.That(result.Hits, Is.EqualTo(1));
            Assert.That(result.First, Is.EqualTo(direct), "a miss gives what the pipeline gives");
            Assert.That(result.Second, Is.EqualTo(result.First), "the hit gives identical texture bytes");
            Assert.That(result.SecondUpdates, Has.Length.EqualTo(1), "a hit sends the final image only, no previews");
            Assert.That(result.SecondUpdates[0].IsFinal && result.SecondUpdates[0].FromCache && result.SecondUpdates[0].Step == 2, Is.True);
            Assert.That(result.SecondProgress.IsComplete && result.SecondProgress.FromCache, Is.True);
        });
    }

    [Test]
    public void A_texture_put_in_the_cache_outside_the_game_is_a_hit_in_the_game()
    {
        TextureRequest request = Request("baked terracotta tiles");

        // The library keys requests as the baker does: what `realtimegen bake` fills, the game reads.
        var library = new AssetLibrary(new AssetCache(_root), Pipeline);
        AssetImages baked = library.GetOrGenerate(request.ToGenerationRequest());
        var result = GlTestHost.Run(context =>
        {
            using var harness = new StreamingHarness(context.Gl, ShippedBackend, cacheDirectory: _root);
            Entity entity = Generate(harness, request);
            harness.Settle();
            return (Pixels: harness.ReadTexture(entity), harness.Plugin.Service.CompletedInferenceCount, harness.Plugin.Service.CacheHitCount);
        });

        Assert.Multiple(() =>
        {
            Assert.That(library.GeneratedCount, Is.EqualTo(1));
            Assert.That(result.CompletedInferenceCount, Is.Zero, "the game ran no inference");
            Assert.That(result.CacheHitCount, Is.EqualTo(1));
            Assert.That(result.Pixels, Is.EqualTo(baked.Albedo));
        });
    }

    [Test]
    public void A_hit_through_the_external_memory_sink_gives_the_texture_of_the_miss()
    {
        TextureRequest request = Request("glazed blue tiles");
        var result = GlTestHost.Run(context =>
        {
            var world = new World();
            var options = new TextureGenerationPluginOptions
            {
                Sink = TextureSinkKind.Auto,
                CacheDirectory = _root,
                Streamer = new TextureStreamerOptions { SlotCount = 4, SlotBytes = 64 * 64 * 4 },
                Service = new GenerationServiceOptions { WorkerPriority = WorkerPriority.Normal },
            };
            using var plugin = new TextureGenerationPlugin(context.Gl, world, null, ShippedBackend, options);
            byte[] miss = Settle(plugin, world, world.Create(request));
            byte[] hit = Settle(plugin, world, world.Create(request));
            return (miss, hit, plugin.SinkKind, plugin.Service.CompletedInferenceCount, plugin.Service.CacheHitCount);
        });

        if (result.SinkKind is not (TextureSinkKind.VulkanExternalMemory or TextureSinkKind.Cuda))
        {
            Assert.Ignore($"No external-memory route here (the plugin fell back to {result.SinkKind}).");
        }

        Assert.Multiple(() =>
        {
            Assert.That((result.CompletedInferenceCount, result.CacheHitCount), Is.EqualTo((1L, 1L)));
            Assert.That(result.hit, Is.EqualTo(result.miss));
            Assert.That(result.miss, Is.EqualTo(Pipeline.Generate(request.ToGenerationRequest())));
        });
    }

    // Runs frames until the entity's final image is complete, the worker is idle (its store done) and the sink has
    // latched it for a few frames; returns the texture. A hang guard, not a timing.
    private static byte[] Settle(TextureGenerationPlugin plugin, World world, Entity entity)
    {
        long deadline = Environment.TickCount64 + (long)StreamingHarness.Patience.TotalMilliseconds;
        int settled = 0;
        for (long frame = 0; settled < 3; frame++)
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"No settled final texture after {frame} frames.");
            }

            var time = new FrameTime(frame, 0.016, frame * 0.016);
            plugin.Update(in time);
            plugin.Upload(in time);
            plugin.EndFrame();
            bool complete = world.TryGet(entity, out GenerationProgress progress) && progress.IsComplete;
            bool idle = plugin.Service.RunningCount == 0 && plugin.Service.QueuedCount == 0 && SinkIdle(plugin.Sink);
            settled = complete && idle ? settled + 1 : 0;
            Thread.Sleep(1);
        }

        Texture2D texture = plugin.TextureOf(entity) ?? throw new InvalidOperationException("No texture after the final image.");
        var pixels = new byte[texture.Width * texture.Height * 4];
        texture.ReadPixels(pixels);
        return pixels;
    }

    private static bool SinkIdle(ITextureSink sink) => sink switch
    {
        ExternalMemoryStreamer shared => shared.FreeSlotCount == shared.SlotCount && shared.PendingCount == 0,
        TextureStreamer staging => staging.FreeSlotCount == staging.SlotCount && staging.PendingCount == 0,
        _ => true,
    };

    [Test]
    public void A_changed_seed_or_prompt_misses_and_generates()
    {
        TextureRequest request = Request("grey cobblestones");
        var result = GlTestHost.Run(context =>
        {
            using var harness = new StreamingHarness(context.Gl, ShippedBackend, cacheDirectory: _root);
            Entity original = Generate(harness, request);
            Entity reseeded = Generate(harness, request with { Seed = request.Seed + 1 });
            Entity reworded = Generate(harness, request with { Prompt = "grey cobblestones, wet" });
            harness.Settle();
            return (
                Original: harness.ReadTexture(original),
                Reseeded: harness.ReadTexture(reseeded),
                Reworded: harness.ReadTexture(reworded),
                harness.Plugin.Service.CompletedInferenceCount,
                harness.Plugin.Service.CacheHitCount,
                harness.Plugin.Service.CacheStoreCount,
                FromCache: harness.FullUpdates.Count(u => u.FromCache));
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.CompletedInferenceCount, Is.EqualTo(3));
            Assert.That(result.CacheHitCount, Is.Zero);
            Assert.That(result.CacheStoreCount, Is.EqualTo(3));
            Assert.That(result.FromCache, Is.Zero);
            Assert.That(result.Reseeded, Is.EqualTo(Pipeline.Generate((request with { Seed = request.Seed + 1 }).ToGenerationRequest())));
            Assert.That(result.Reworded, Is.EqualTo(Pipeline.Generate((request with { Prompt = "grey cobblestones, wet" }).ToGenerationRequest())));
        });
    }

    [Test]
    public void A_corrupt_entry_is_regenerated_and_stored_sound_again()
    {
        TextureRequest request = Request("rusty metal plate");
        AssetKey key = AssetKey.For(request.ToGenerationRequest(), ModelFingerprint.Compute(ShippedModel.Directory), watermarked: false);
        var result = GlTestHost.Run(context =>
        {
            using var harness = new StreamingHarness(context.Gl, ShippedBackend, cacheDirectory: _root);
            AssetCache cache = harness.Plugin.Service.Cache!;
            Generate(harness, request);
            string albedo = Path.Combine(cache.FolderOf(key), AssetEntry.ImageFiles[0]);
            byte[] bytes = File.ReadAllBytes(albedo);
            bytes[^20] ^= 0x5A;
            File.WriteAllBytes(albedo, bytes);

            Entity again = Generate(harness, request);
            harness.Settle();
            return (
                Pixels: harness.ReadTexture(again),
                harness.Plugin.Service.CompletedInferenceCount,
                harness.Plugin.Service.CacheHitCount,
                Sound: cache.TryGet(key, out _));
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.CompletedInferenceCount, Is.EqualTo(2), "the corrupt entry was a miss");
            Assert.That(result.CacheHitCount, Is.Zero);
            Assert.That(result.Pixels, Is.EqualTo(Pipeline.Generate(request.ToGenerationRequest())));
            Assert.That(result.Sound, Is.True, "the regenerated image replaced the corrupt entry");
        });
    }

    [Test]
    public void A_read_only_cache_folder_still_generates_and_reports_the_problem_once()
    {
        string folder = ReadOnlyFolder();
        var logger = new RecordingLogger();
        TextureRequest first = Request("sandstone bricks");
        TextureRequest second = Request("sandstone bricks", seed: 11);
        var result = GlTestHost.Run(context =>
        {
            using var harness = new StreamingHarness(context.Gl, ShippedBackend, cacheDirectory: folder, logger: logger);
            Entity a = Generate(harness, first);
            Entity b = Generate(harness, second);
            Entity c = Generate(harness, first);
            harness.Settle();
            return (
                A: harness.ReadTexture(a),
                B: harness.ReadTexture(b),
                C: harness.ReadTexture(c),
                harness.Plugin.Service.CompletedInferenceCount,
                harness.Plugin.Service.CacheStoreFailureCount,
                Failed: harness.World.Has<GenerationFailed>(a) || harness.World.Has<GenerationFailed>(b) || harness.World.Has<GenerationFailed>(c));
        });

        (LogLevel Level, string Text)[] reports = [.. logger.Entries.Where(e => e.Text.Contains("cannot store", StringComparison.Ordinal))];

        Assert.Multiple(() =>
        {
            Assert.That(result.Failed, Is.False);
            Assert.That(result.A, Is.EqualTo(Pipeline.Generate(first.ToGenerationRequest())));
            Assert.That(result.B, Is.EqualTo(Pipeline.Generate(second.ToGenerationRequest())));
            Assert.That(result.C, Is.EqualTo(result.A));
            Assert.That(result.CompletedInferenceCount, Is.EqualTo(3), "nothing could be stored, so nothing hit");
            Assert.That(result.CacheStoreFailureCount, Is.EqualTo(3));
            Assert.That(reports, Has.Length.EqualTo(1), "the problem is reported once");
            Assert.That(reports[0].Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(reports[0].Text, Does.Contain(Path.GetFullPath(folder)));
        });
    }

    // A folder this process cannot write: permission bits, or (as root, who ignores them) the read-only sysfs.
    private string ReadOnlyFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Read-only folders are set up with Unix permissions.");
            return "";
        }

        Directory.CreateDirectory(_root);
        File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        string folder = Path.Combine(_root, "cache");
        if (!CanWrite(_root))
        {
            return folder;
        }

        if (CanWrite("/sys"))
        {
            Assert.Ignore("Running with privileges that ignore read-only folders, and no read-only mount is available.");
        }

        return "/sys/rtg-ingame-asset-cache";
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            string probe = Path.Combine(folder, "probe-" + Guid.NewGuid().ToString("N"));
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
