using NUnit.Framework;
using RealtimeGen.Engine.Ecs;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin;
using RealtimeGen.Plugin.Components;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Plugin.Streaming;

/// <summary>
/// The plugin end to end over a <see cref="RoutedTextureStreamer"/> whose routes are CPU memory uploaded to GL (the
/// shape of the CUDA and DirectML routes, runnable here): the real shipped model decodes into the route through
/// IOBinding, the render thread converts on the GPU, and the textures match the CPU staging sink's byte for byte.
/// </summary>
public class RoutedPluginTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static readonly Lazy<LcmPipeline> Marked = new(() => LcmPipeline.Load(
        ShippedModel.Directory, new LcmPipelineOptions { Inference = new() { IntraOpThreads = 1 }, Watermark = true }));

    private static readonly TextureRequest[] Requests =
    [
        new TextureRequest("weathered copper plates") { Seed = 31, Steps = 2, Width = 64, Height = 64 },
        new TextureRequest("mossy cobblestones") { Seed = 32, Steps = 2, Width = 64, Height = 64 },
        new TextureRequest("cracked red clay") { Seed = 33, Steps = 2, Width = 64, Height = 64 },
    ];

    [TestCase(PreviewMode.FinalOnly)]
    [TestCase(PreviewMode.EveryStep)]
    public void Without_the_watermark_finals_and_previews_go_through_the_route_with_the_staging_sinks_bytes(PreviewMode previews)
    {
        LcmPipeline pipeline = ShippedModel.Pipeline;
        var staged = GlTestHost.Run(context => GenerateInTurn(context.Gl, pipeline, routed: false, previews));
        var routed = GlTestHost.Run(context => GenerateInTurn(context.Gl, pipeline, routed: true, previews));

        Assert.Multiple(() =>
        {
            for (int i = 0; i < Requests.Length; i++)
            {
                Assert.That(routed.Pixels[i], Is.EqualTo(staged.Pixels[i]), $"request {i}: routed texture == staging sink texture");
                Assert.That(routed.Pixels[i], Is.EqualTo(pipeline.Generate(Requests[i].ToGenerationRequest())), $"request {i}: == a direct pipeline call");
            }

            // The first image of a texture asks for its route; from the second request on, the route exists.
            Assert.That(routed.FinalFromRoute[1..], Is.All.True, "later finals are the route's texture");
            Assert.That(routed.Latched[1..], Is.All.GreaterThanOrEqualTo(1), "later requests latched route images");
            if (previews == PreviewMode.FinalOnly)
            {
                Assert.That(routed.Latched[0], Is.Zero, "the first final went through a slot (no route yet)");
                Assert.That(routed.Latched[1..], Is.All.EqualTo(1), "one final per request, decoded into the route");
            }

            Assert.That(routed.Failed, Is.False);
        });
    }

    [Test]
    public void With_the_watermark_finals_take_the_cpu_slot_path_and_previews_the_route()
    {
        LcmPipeline pipeline = Marked.Value;
        var staged = GlTestHost.Run(context => GenerateInTurn(context.Gl, pipeline, routed: false, PreviewMode.EveryStep));
        var routed = GlTestHost.Run(context => GenerateInTurn(context.Gl, pipeline, routed: true, PreviewMode.EveryStep));

        Assert.Multiple(() =>
        {
            for (int i = 0; i < Requests.Length; i++)
            {
                GenerationRequest request = Requests[i].ToGenerationRequest();
                Assert.That(routed.Pixels[i], Is.EqualTo(staged.Pixels[i]), $"request {i}: final == the staging sink's");
                Assert.That(routed.Pixels[i], Is.EqualTo(pipeline.Generate(request)), $"request {i}: == a direct marked pipeline call");
                Assert.That(routed.Pixels[i], Is.Not.EqualTo(ShippedModel.Pipeline.Generate(request)), $"request {i}: the final carries the mark");
            }

            Assert.That(routed.FinalFromRoute, Is.All.False, "marked finals are the staging sink's texture");
            Assert.That(routed.Latched[1..], Is.All.EqualTo(1), "each later request's one preview (step 1 of 2) went through the route");
            Assert.That(routed.Failed, Is.False);
        });
    }

    [TestCase("resize", "destroy", "dispose")]
    [TestCase("destroy", "dispose")]
    [TestCase("dispose-mid-job")]
    [TestCase("resize", "dispose-mid-job")]
    public void Resize_release_and_dispose_in_any_order_leak_no_route_or_GL_object(params string[] order)
    {
        var result = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            var factory = new UploadedRouteFactory(gl);
            var world = new World();
            var plugin = Plugin(gl, ShippedModel.Pipeline, factory, PreviewMode.EveryStep, world);
            Entity entity = world.Create(Requests[0]);
            long frame = 0;
            RunUntilShown(plugin, world, entity, ref frame);
            plugin.Request(entity, Requests[1]);
            RunUntilShown(plugin, world, entity, ref frame);
            var liveAfterSteps = new List<int>();
            foreach (string step in order)
            {
                switch (step)
                {
                    case "resize":
                        plugin.Request(entity, Requests[2] with { Width = 32, Height = 32 });
                        RunUntilShown(plugin, world, entity, ref frame);
                        break;
                    case "destroy":
                        world.Destroy(entity);
                        RunFrames(plugin, 5, ref frame);
                        break;
                    case "dispose-mid-job":
                        plugin.Request(entity, Requests[2] with { Steps = 4 });
                        RunUntil(plugin, ref frame, () => plugin.Service.RunningCount > 0);
                        plugin.Dispose();
                        break;
                    case "dispose":
                        plugin.Dispose();
                        break;
                    default:
                        throw new ArgumentException(step);
                }

                liveAfterSteps.Add(factory.Live);
            }

            return (made: factory.Made.Count, live: factory.Live, leaked: factory.LeakedGlObjects(), liveAfterSteps);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.made, Is.GreaterThanOrEqualTo(1), "a route was made");
            Assert.That(result.live, Is.Zero, "every route disposed");
            Assert.That(result.leaked, Is.Zero, "their GL buffers and textures deleted");
            Assert.That(result.liveAfterSteps, Is.All.LessThanOrEqualTo(1), "a resized or released texture's old route is disposed within frames");
        });
    }

    [TestCase(TextureSinkKind.Cuda, "Cuda")]
    [TestCase(TextureSinkKind.DirectML, "DirectML")]
    public void Asking_for_a_gpu_route_the_machine_lacks_gives_the_staging_sink_with_the_reason_logged(TextureSinkKind asked, string name)
    {
        var result = GlTestHost.Run(context =>
        {
            var logger = new RecordingLogger();
            var options = new TextureGenerationPluginOptions { Sink = asked };
            using var plugin = new TextureGenerationPlugin(
                context.Gl, new World(), null, () => new LcmGenerationBackend(ShippedModel.Pipeline, ownsPipeline: false), options, logger);
            return (plugin.SinkKind, sink: plugin.Sink.GetType().Name, log: string.Join(" | ", logger.Entries.Select(entry => entry.Text)));
        });
        if (result.SinkKind != TextureSinkKind.CpuStaging)
        {
            Assert.Ignore($"This machine has the {name} route ({result.sink}); the fallback is tested where it is missing.");
        }

        Assert.Multiple(() =>
        {
            Assert.That(result.sink, Is.EqualTo(nameof(TextureStreamer)));
            Assert.That(result.log, Does.Contain($"Texture sink {name} is unavailable, using CpuStaging"));
        });
    }

    private static TextureGenerationPlugin Plugin(GL gl, LcmPipeline pipeline, UploadedRouteFactory? factory, PreviewMode previews, World world)
    {
        var streamerOptions = new TextureStreamerOptions { SlotCount = 4, SlotBytes = 64 * 64 * 4 };
        ITextureSink sink = factory is null
            ? new TextureStreamer(gl, streamerOptions)
            : new RoutedTextureStreamer(new TextureStreamer(gl, streamerOptions), factory.Create, ExecutionProvider.Cpu);
        var options = new TextureGenerationPluginOptions
        {
            Service = new GenerationServiceOptions { WorkerPriority = WorkerPriority.Normal, PreviewMode = previews },
        };
        return new TextureGenerationPlugin(sink, true, world, null, () => new LcmGenerationBackend(pipeline, ownsPipeline: false), options);
    }

    // One entity, the requests one after another, each shown before the next.
    private static (List<byte[]> Pixels, long[] Latched, bool[] FinalFromRoute, bool Failed) GenerateInTurn(
        GL gl, LcmPipeline pipeline, bool routed, PreviewMode previews)
    {
        var factory = routed ? new UploadedRouteFactory(gl) : null;
        var world = new World();
        using TextureGenerationPlugin plugin = Plugin(gl, pipeline, factory, previews, world);
        Entity entity = world.Create(Requests[0]);
        var pixels = new List<byte[]>();
        var latched = new long[Requests.Length];
        var fromRoute = new bool[Requests.Length];
        long frame = 0;
        long before = 0;
        for (int i = 0; i < Requests.Length; i++)
        {
            if (i > 0)
            {
                plugin.Request(entity, Requests[i]);
            }

            RunUntilShown(plugin, world, entity, ref frame);
            Texture2D texture = plugin.TextureOf(entity) ?? throw new InvalidOperationException("No texture after the final image.");
            var image = new byte[texture.Width * texture.Height * 4];
            texture.ReadPixels(image);
            pixels.Add(image);
            if (plugin.Sink is RoutedTextureStreamer sink)
            {
                latched[i] = sink.LatchedCount - before;
                before = sink.LatchedCount;
                fromRoute[i] = ReferenceEquals(texture, sink.RouteOf(world.Get<GeneratedTexture>(entity).Handle)?.Texture);
            }
        }

        return (pixels, latched, fromRoute, world.Has<GenerationFailed>(entity));
    }

    // Frames until the entity's current request is complete and every image of it has reached the GPU. A hang guard, not a timing.
    private static void RunUntilShown(TextureGenerationPlugin plugin, World world, Entity entity, ref long frame)
    {
        int settled = 0;
        RunUntil(plugin, ref frame, () =>
        {
            bool complete = world.TryGet(entity, out GenerationProgress progress) && progress.IsComplete
                && progress.Version == world.Get<TextureRequest>(entity).Version;
            settled = complete && Idle(plugin) ? settled + 1 : 0;
            return settled >= 3;
        });
    }

    private static void RunUntil(TextureGenerationPlugin plugin, ref long frame, Func<bool> done)
    {
        long deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
        while (!done())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"Not done after {frame} frames.");
            }

            RunFrames(plugin, 1, ref frame);
            Thread.Sleep(1);
        }
    }

    private static void RunFrames(TextureGenerationPlugin plugin, int count, ref long frame)
    {
        for (int i = 0; i < count; i++, frame++)
        {
            var time = new FrameTime(frame, 0.016, frame * 0.016);
            plugin.Update(in time);
            plugin.Upload(in time);
            plugin.EndFrame();
        }
    }

    private static bool Idle(TextureGenerationPlugin plugin)
    {
        bool service = plugin.Service.RunningCount == 0 && plugin.Service.QueuedCount == 0;
        return plugin.Sink switch
        {
            RoutedTextureStreamer routed => service && routed.PendingTextureCount == 0 && routed.Staging is TextureStreamer { PendingCount: 0 },
            TextureStreamer staging => service && staging.PendingCount == 0 && staging.FreeSlotCount == staging.SlotCount,
            _ => service,
        };
    }
}
