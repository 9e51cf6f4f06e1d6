using NUnit.Framework;
using RealtimeGen.Engine.Ecs;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin;
using RealtimeGen.Plugin.Components;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Plugin.ExternalMemory;

public class ExternalMemoryPluginTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static LcmPipeline Pipeline => ShippedModel.Pipeline;

    [TestCase(TextureSinkKind.VulkanExternalMemory)]
    [TestCase(TextureSinkKind.Auto)]
    public void The_same_request_through_the_staging_and_the_external_sink_gives_identical_texture_bytes(TextureSinkKind asked)
    {
        var request = new TextureRequest("weathered copper plates") { Seed = 21, Steps = 2, Width = 64, Height = 64 };
        var staged = GlTestHost.Run(context => Generate(context.Gl, TextureSinkKind.CpuStaging, request));
        var shared = GlTestHost.Run(context => Generate(context.Gl, asked, request));
        if (shared.Kind is not (TextureSinkKind.VulkanExternalMemory or TextureSinkKind.Cuda))
        {
            Assert.Ignore($"No Vulkan external memory here (the plugin fell back to {shared.Kind}): {shared.Log}");
        }

        byte[] direct = Pipeline.Generate(request.ToGenerationRequest());
        Assert.Multiple(() =>
        {
            Assert.That(staged.Kind, Is.EqualTo(TextureSinkKind.CpuStaging));
            Assert.That(shared.Sink, Is.EqualTo(nameof(ExternalMemoryStreamer)));
            Assert.That(shared.Pixels, Is.EqualTo(staged.Pixels), "external sink texture == staging sink texture");
            Assert.That(shared.Pixels, Is.EqualTo(direct), "and both equal a direct pipeline call with the same seed");
            Assert.That(shared.Log, Does.Contain($"Texture sink {shared.Kind} chosen (asked for {asked})"));
            Assert.That(shared.Failed, Is.False);
        });
    }

    [TestCase(PreviewMode.FinalOnly)]
    [TestCase(PreviewMode.EveryStep)]
    public void After_an_entitys_first_image_its_images_are_written_straight_into_shared_memory_with_the_staging_sinks_bytes(PreviewMode previews)
    {
        TextureRequest[] requests =
        [
            new TextureRequest("weathered copper plates") { Seed = 21, Steps = 2, Width = 64, Height = 64 },
            new TextureRequest("mossy cobblestones") { Seed = 22, Steps = 2, Width = 64, Height = 64 },
            new TextureRequest("mossy cobblestones") { Seed = 23, Steps = 2, Width = 64, Height = 64 },
        ];
        var staged = GlTestHost.Run(context => GenerateInTurn(context.Gl, TextureSinkKind.CpuStaging, requests, previews));
        var shared = GlTestHost.Run(context => GenerateInTurn(context.Gl, TextureSinkKind.VulkanExternalMemory, requests, previews));
        if (shared.Kind is not TextureSinkKind.VulkanExternalMemory)
        {
            Assert.Ignore($"No Vulkan external memory here (the plugin fell back to {shared.Kind}).");
        }

        Assert.Multiple(() =>
        {
            for (int i = 0; i < requests.Length; i++)
            {
                Assert.That(shared.Pixels[i], Is.EqualTo(staged.Pixels[i]), $"request {i}: external sink texture == staging sink texture");
                Assert.That(shared.Pixels[i], Is.EqualTo(Pipeline.Generate(requests[i].ToGenerationRequest())), $"request {i}: == a direct pipeline call");
            }

            Assert.That(shared.CopiedBytes[0], Is.GreaterThanOrEqualTo(64 * 64 * 4), "the first image (no ring yet) is copied");
            Assert.That(shared.CopiedBytes[1..], Is.All.EqualTo(shared.CopiedBytes[0]), "bytes copied by the CPU stay put after the first request");
            if (previews == PreviewMode.FinalOnly)
            {
                Assert.That(shared.CopiedBytes[0], Is.EqualTo(64 * 64 * 4), "one final image copied");
                Assert.That(shared.DirectImages, Is.EqualTo(2), "the later finals went straight into the texture's ring");
            }
            else
            {
                // The first request's final is direct only if its ring was made before the worker took the slot.
                Assert.That(shared.DirectImages, Is.GreaterThanOrEqualTo(4), "the later requests' preview and final went straight into the ring");
            }
        });
    }

    // Load makes the one D3D12 device the DirectML sessions and shared buffers would share; an app-made backend cannot.
    [TestCase(false)]
    [TestCase(true)]
    public void A_machine_without_the_asked_for_route_falls_back_to_staging_with_the_reason_logged(bool load)
    {
        // DirectML needs Windows and D3D12: here it always falls back, and the plugin must still stream.
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("On Windows the DirectML route may exist; the fallback is tested where it cannot.");
        }

        var request = new TextureRequest("grey slate") { Seed = 3, Steps = 2, Width = 32, Height = 32 };
        var result = GlTestHost.Run(context => Generate(context.Gl, TextureSinkKind.DirectML, request, load));
        Assert.Multiple(() =>
        {
            Assert.That(result.Kind, Is.EqualTo(TextureSinkKind.CpuStaging));
            Assert.That(result.Sink, Is.EqualTo(nameof(TextureStreamer)));
            Assert.That(result.Log, Does.Contain("Texture sink DirectML is unavailable, using CpuStaging").And.Contain("Windows"));
            Assert.That(result.Pixels, Is.EqualTo(Pipeline.Generate(request.ToGenerationRequest())));
        });
    }

    private static (byte[] Pixels, TextureSinkKind? Kind, string Sink, string Log, bool Failed) Generate(
        GL gl, TextureSinkKind sink, TextureRequest request, bool load = false)
    {
        var logger = new RecordingLogger();
        var world = new World();
        var options = new TextureGenerationPluginOptions
        {
            Sink = sink,
            Streamer = new TextureStreamerOptions { SlotCount = 4, SlotBytes = 64 * 64 * 4 },
            Service = new GenerationServiceOptions { WorkerPriority = WorkerPriority.Normal },

            // As the shared pipeline is loaded, so that a loaded plugin's pixels equal it too.
            Pipeline = new LcmPipelineOptions { Inference = new() { IntraOpThreads = 1 }, Watermark = false },
        };
        using var plugin = load
            ? TextureGenerationPlugin.Load(gl, world, null, ShippedModel.Directory, options, logger)
            : new TextureGenerationPlugin(gl, world, null, () => new LcmGenerationBackend(Pipeline, ownsPipeline: false), options, logger);
        Entity entity = world.Create(request);
        long frame = 0;
        long deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
        int settledFrames = 0;

        // The final image is applied by the system, then written and latched by the sink: run a few frames past the
        // point where everything is idle so the newest frame has reached the texture. A hang guard, not a timing.
        while (settledFrames < 3)
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"No final texture after {frame} frames.");
            }

            var time = new FrameTime(frame, 0.016, frame * 0.016);
            plugin.Update(in time);
            plugin.Upload(in time);
            plugin.EndFrame();
            frame++;
            bool complete = world.TryGet(entity, out GenerationProgress progress) && progress.IsComplete;
            bool idle = plugin.Service.RunningCount == 0 && plugin.Service.QueuedCount == 0 && SinkIdle(plugin.Sink);
            settledFrames = complete && idle ? settledFrames + 1 : 0;
            Thread.Sleep(1);
        }

        Texture2D texture = plugin.TextureOf(entity) ?? throw new InvalidOperationException("No texture after the final image.");
        var pixels = new byte[texture.Width * texture.Height * 4];
        texture.ReadPixels(pixels);
        string log = string.Join(" | ", logger.Entries.Select(entry => entry.Text));
        return (pixels, plugin.SinkKind, plugin.Sink.GetType().Name, log, world.Has<GenerationFailed>(entity));
    }

    // One entity, its requests one after another (each shown before the next).
    private static (List<byte[]> Pixels, TextureSinkKind? Kind, long[] CopiedBytes, long DirectImages) GenerateInTurn(
        GL gl, TextureSinkKind sink, TextureRequest[] requests, PreviewMode previews)
    {
        var world = new World();
        var options = new TextureGenerationPluginOptions
        {
            Sink = sink,
            Streamer = new TextureStreamerOptions { SlotCount = 4, SlotBytes = 64 * 64 * 4 },
            Service = new GenerationServiceOptions { WorkerPriority = WorkerPriority.Normal, PreviewMode = previews },
        };
        using var plugin = new TextureGenerationPlugin(gl, world, null, () => new LcmGenerationBackend(Pipeline, ownsPipeline: false), options);
        Entity entity = world.Create(requests[0]);
        var pixels = new List<byte[]>();
        var copied = new long[requests.Length];
        long frame = 0;
        for (int i = 0; i < requests.Length; i++)
        {
            if (i > 0)
            {
                plugin.Request(entity, requests[i]);
            }

            long deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
            int settledFrames = 0;
            while (settledFrames < 3)
            {
                if (Environment.TickCount64 > deadline)
                {
                    throw new TimeoutException($"No final texture for request {i} after {frame} frames.");
                }

                var time = new FrameTime(frame, 0.016, frame * 0.016);
                plugin.Update(in time);
                plugin.Upload(in time);
                plugin.EndFrame();
                frame++;
                bool complete = world.TryGet(entity, out GenerationProgress progress) && progress.IsComplete && progress.Version == world.Get<TextureRequest>(entity).Version;
                bool shown = plugin.Sink is not ExternalMemoryStreamer streamer
                    || streamer.ShownSubmission(world.Get<GeneratedTexture>(entity).Handle) == streamer.SubmissionCount;
                bool idle = plugin.Service.RunningCount == 0 && plugin.Service.QueuedCount == 0 && SinkIdle(plugin.Sink);
                settledFrames = complete && shown && idle ? settledFrames + 1 : 0;
                Thread.Sleep(1);
            }

            Texture2D texture = plugin.TextureOf(entity) ?? throw new InvalidOperationException("No texture after the final image.");
            var image = new byte[texture.Width * texture.Height * 4];
            texture.ReadPixels(image);
            pixels.Add(image);
            copied[i] = plugin.Sink is ExternalMemoryStreamer counted ? counted.CopiedBytes : 0;
        }

        long direct = plugin.Sink is ExternalMemoryStreamer done ? done.DirectImages : 0;
        return (pixels, plugin.SinkKind, copied, direct);
    }

    private static bool SinkIdle(ITextureSink sink) => sink switch
    {
        ExternalMemoryStreamer shared => shared.FreeSlotCount == shared.SlotCount && shared.PendingCount == 0,
        TextureStreamer staging => staging.FreeSlotCount == staging.SlotCount && staging.PendingCount == 0,
        _ => true,
    };
}
