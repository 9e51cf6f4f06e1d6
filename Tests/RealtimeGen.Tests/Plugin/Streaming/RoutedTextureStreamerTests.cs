using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Streaming;
using RealtimeGen.Tests.Plugin.Pipeline;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Plugin.Streaming;

/// <summary>The routed sink on a real GL context, with routes over CPU memory and the worker's part played by the test.</summary>
public class RoutedTextureStreamerTests
{
    private const int Size = 32;

    [Test]
    public void A_route_image_shows_only_once_submitted_and_latched_and_the_previous_texture_stays_until_then()
    {
        var result = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            var factory = new UploadedRouteFactory(gl);
            using var sink = Sink(gl, factory);
            StreamedTextureHandle handle = sink.CreateTexture();
            byte[] slotImage = SubmitSlotImage(sink, handle, 40);
            sink.Upload();
            Texture2D? staged = sink.GetTexture(handle);
            bool stagedReplaced = sink.ReplacedTextures.Contains(handle);

            RouteWriteStatus first = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out _);
            sink.Upload();
            int routes = sink.RouteCount;
            RouteWriteStatus second = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out IGpuOutputRoute? route);
            float[] planar = Gradient(((UploadedPlanarRoute)route!).Planar);

            // Written but not ended, then ended but not submitted: frames go on, the slot image stays.
            sink.Upload();
            bool stillStagedWhileWriting = ReferenceEquals(sink.GetTexture(handle), staged) && Read(sink.GetTexture(handle)!).SequenceEqual(slotImage);
            route.EndWrite();
            sink.Upload();
            bool stillStagedUnsubmitted = ReferenceEquals(sink.GetTexture(handle), staged);

            sink.SubmitRoute(route, handle);
            RouteWriteStatus beforeLatch = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out _);
            sink.Upload();
            bool routeShown = ReferenceEquals(sink.GetTexture(handle), route.Texture);
            bool routeReplaced = sink.ReplacedTextures.Contains(handle);
            byte[] shown = Read(sink.GetTexture(handle)!);
            RouteWriteStatus whileConverting = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out _);
            gl.Finish();
            sink.Upload();
            RouteWriteStatus afterFence = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out IGpuOutputRoute? again);
            again?.Discard();
            sink.EndFrame();
            return (stagedReplaced, first, routes, second, stillStagedWhileWriting, stillStagedUnsubmitted, beforeLatch, routeShown,
                routeReplaced, shown, expected: PlanarOutputTests.PlanarToRgba(planar, Size, Size), whileConverting, afterFence, sink.LatchedCount);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.stagedReplaced, Is.True);
            Assert.That(result.first, Is.EqualTo(RouteWriteStatus.Unavailable), "no route yet: that image takes a slot, a route is asked for");
            Assert.That(result.routes, Is.EqualTo(1), "the render thread made the route in the next upload");
            Assert.That(result.second, Is.EqualTo(RouteWriteStatus.Begun));
            Assert.That(result.stillStagedWhileWriting, Is.True, "a route being written is not sampled; the slot image stays");
            Assert.That(result.stillStagedUnsubmitted, Is.True, "a written route image shows only once its event is submitted");
            Assert.That(result.beforeLatch, Is.EqualTo(RouteWriteStatus.Busy), "one write in flight per route");
            Assert.That(result.routeShown, Is.True);
            Assert.That(result.routeReplaced, Is.True, "materials are told to pick up the route's texture");
            Assert.That(result.shown, Is.EqualTo(result.expected), "the GPU conversion equals the CPU conversion byte for byte");
            Assert.That(result.whileConverting, Is.EqualTo(RouteWriteStatus.Busy), "not writable before the conversion's fence was seen");
            Assert.That(result.afterFence, Is.EqualTo(RouteWriteStatus.Begun));
            Assert.That(result.LatchedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public void Route_frames_allocate_nothing_in_steady_state()
    {
        long allocated = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            var factory = new UploadedRouteFactory(gl);
            using var sink = Sink(gl, factory);
            StreamedTextureHandle handle = TextureWithRoute(sink);
            for (int i = 0; i < 3; i++)
            {
                RouteCycle(gl, sink, handle);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                RouteCycle(gl, sink, handle);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        });

        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void A_slot_image_submitted_after_a_route_image_wins_and_the_route_is_writable_again()
    {
        var result = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            var factory = new UploadedRouteFactory(gl);
            using var sink = Sink(gl, factory);
            StreamedTextureHandle handle = sink.CreateTexture();
            _ = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out _);
            sink.Upload();
            _ = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out IGpuOutputRoute? route);
            Gradient(((UploadedPlanarRoute)route!).Planar);
            route.EndWrite();
            sink.SubmitRoute(route, handle);
            byte[] slotImage = SubmitSlotImage(sink, handle, 90);
            sink.Upload();
            byte[] shown = Read(sink.GetTexture(handle)!);
            bool staged = ReferenceEquals(sink.GetTexture(handle), sink.Staging.GetTexture(handle));
            RouteWriteStatus next = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out IGpuOutputRoute? again);
            again?.Discard();
            sink.EndFrame();
            return (shown, slotImage, staged, next, sink.LatchedCount);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.shown, Is.EqualTo(result.slotImage));
            Assert.That(result.staged, Is.True);
            Assert.That(result.next, Is.EqualTo(RouteWriteStatus.Begun), "the superseded route image was dropped, not left holding the route");
            Assert.That(result.LatchedCount, Is.Zero);
        });
    }

    [TestCase("resize", "release", "dispose")]
    [TestCase("release", "dispose")]
    [TestCase("write", "release", "end", "dispose")]
    [TestCase("write", "resize", "end", "dispose")]
    [TestCase("written", "dispose")]
    [TestCase("shown", "resize", "dispose")]
    public void Resize_release_and_dispose_in_any_order_leave_no_route_or_GL_object(params string[] order)
    {
        var result = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            var factory = new UploadedRouteFactory(gl);
            var sink = Sink(gl, factory);
            StreamedTextureHandle handle = TextureWithRoute(sink);
            IGpuOutputRoute? writing = null;
            var liveAfterFrames = new List<int>();
            foreach (string step in order)
            {
                switch (step)
                {
                    case "write":
                        _ = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out writing);
                        break;
                    case "end":
                        // The worker finishes after the texture was released or resized: its image is dropped.
                        writing!.EndWrite();
                        sink.SubmitRoute(writing, handle);
                        break;
                    case "written":
                        _ = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out writing);
                        writing!.EndWrite();
                        sink.SubmitRoute(writing, handle);
                        break;
                    case "shown":
                        _ = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out writing);
                        writing!.EndWrite();
                        sink.SubmitRoute(writing, handle);
                        Frame(sink);
                        break;
                    case "resize":
                        _ = sink.TryBeginRouteWrite(handle, Size * 2, Size, ExecutionProvider.Cpu, out _);
                        break;
                    case "release":
                        sink.ReleaseTexture(handle);
                        break;
                    case "dispose":
                        sink.Dispose();
                        break;
                    default:
                        throw new ArgumentException(step);
                }

                if (step != "dispose")
                {
                    for (int i = 0; i < 3; i++)
                    {
                        gl.Finish();
                        Frame(sink);
                    }

                    liveAfterFrames.Add(factory.Live);
                }
            }

            return (made: factory.Made.Count, live: factory.Live, leaked: factory.LeakedGlObjects(), liveAfterFrames);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.made, Is.GreaterThanOrEqualTo(1));
            Assert.That(result.live, Is.Zero, "every route disposed");
            Assert.That(result.leaked, Is.Zero, "their GL buffers and textures deleted");
            Assert.That(result.liveAfterFrames, Is.All.LessThanOrEqualTo(2), "retired routes are disposed within frames, not kept");
        });
    }

    [Test]
    public void A_route_being_written_is_disposed_only_after_the_worker_let_go()
    {
        var result = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            var factory = new UploadedRouteFactory(gl);
            using var sink = Sink(gl, factory);
            StreamedTextureHandle handle = TextureWithRoute(sink);
            _ = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out IGpuOutputRoute? writing);
            sink.ReleaseTexture(handle);
            Frame(sink);
            Frame(sink);
            bool disposedUnderWriter = ((UploadedPlanarRoute)writing!).Disposed;
            writing.EndWrite();
            sink.SubmitRoute(writing, handle);
            Frame(sink);
            return (disposedUnderWriter, disposedAfter: ((UploadedPlanarRoute)writing).Disposed);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.disposedUnderWriter, Is.False);
            Assert.That(result.disposedAfter, Is.True);
        });
    }

    [Test]
    public void A_producer_on_another_provider_gets_no_route_and_the_mismatch_is_logged_once()
    {
        var result = GlTestHost.Run(context =>
        {
            var logger = new RecordingLogger();
            var factory = new UploadedRouteFactory(context.Gl);
            using var sink = new RoutedTextureStreamer(Staging(context.Gl), factory.Create, ExecutionProvider.Cuda, null, logger);
            StreamedTextureHandle handle = sink.CreateTexture();
            RouteWriteStatus first = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out _);
            RouteWriteStatus second = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out _);
            Frame(sink);
            return (first, second, made: factory.Made.Count, log: logger.Entries.Select(entry => entry.Text).ToList());
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.first, Is.EqualTo(RouteWriteStatus.Unavailable));
            Assert.That(result.second, Is.EqualTo(RouteWriteStatus.Unavailable));
            Assert.That(result.made, Is.Zero, "no route is made for a producer that cannot write it");
            Assert.That(result.log, Has.Exactly(1).Contains("take Cuda decoder output but the pipeline decodes on Cpu"));
        });
    }

    [Test]
    public void A_route_that_cannot_be_made_is_logged_and_its_size_goes_through_slots_without_asking_again()
    {
        var result = GlTestHost.Run(context =>
        {
            var logger = new RecordingLogger();
            int attempts = 0;
            using var sink = new RoutedTextureStreamer(Staging(context.Gl), (w, h) =>
            {
                attempts++;
                throw new RealtimeGenException("no shared memory on this test device");
            }, ExecutionProvider.Cpu, null, logger);
            StreamedTextureHandle handle = TextureWithRoute(sink);
            RouteWriteStatus after = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out _);
            Frame(sink);
            return (attempts, after, requests: sink.PendingRouteRequests, log: logger.Entries.Select(entry => entry.Text).ToList());
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.attempts, Is.EqualTo(1));
            Assert.That(result.after, Is.EqualTo(RouteWriteStatus.Unavailable));
            Assert.That(result.requests, Is.Zero);
            Assert.That(result.log, Has.Exactly(1).Contains("No 32x32 GPU output route").And.Contains("no shared memory on this test device"));
        });
    }

    private static RoutedTextureStreamer Sink(GL gl, UploadedRouteFactory factory) =>
        new(Staging(gl), factory.Create, ExecutionProvider.Cpu);

    private static TextureStreamer Staging(GL gl) => new(gl, new TextureStreamerOptions { SlotCount = 4, SlotBytes = Size * 2 * Size * 4 });

    // A worker's write, its event's submit, and the frames until the route is writable again.
    private static void RouteCycle(GL gl, RoutedTextureStreamer sink, StreamedTextureHandle handle)
    {
        if (sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out IGpuOutputRoute? route) != RouteWriteStatus.Begun)
        {
            throw new InvalidOperationException("The route was not writable.");
        }

        route!.EndWrite();
        sink.SubmitRoute(route, handle);
        Frame(sink);
        gl.Finish();
        Frame(sink);
    }

    // A texture whose route exists: the first write asks for it, and the render thread makes it in the next frame.
    private static StreamedTextureHandle TextureWithRoute(RoutedTextureStreamer sink)
    {
        StreamedTextureHandle handle = sink.CreateTexture();
        _ = sink.TryBeginRouteWrite(handle, Size, Size, ExecutionProvider.Cpu, out _);
        Frame(sink);
        return handle;
    }

    private static void Frame(RoutedTextureStreamer sink)
    {
        sink.Upload();
        sink.EndFrame();
    }

    private static byte[] SubmitSlotImage(RoutedTextureStreamer sink, StreamedTextureHandle handle, int seed)
    {
        if (!sink.TryAcquireSlot(out StagingSlot? slot))
        {
            throw new InvalidOperationException("No free slot.");
        }

        Span<byte> memory = slot.GetSpan(Size * Size * 4);
        for (int i = 0; i < memory.Length; i++)
        {
            memory[i] = (byte)((i * 13) + seed);
        }

        byte[] written = memory.ToArray();
        sink.Submit(slot, handle, Size, Size);
        return written;
    }

    // Values across and beyond [−1, 1], so clamping and rounding are exercised.
    private static float[] Gradient(Span<float> planar)
    {
        for (int i = 0; i < planar.Length; i++)
        {
            planar[i] = -1.2f + (2.4f * ((i * 37) % 1001) / 1000f);
        }

        return planar.ToArray();
    }

    private static byte[] Read(Texture2D texture)
    {
        var pixels = new byte[texture.Width * texture.Height * 4];
        texture.ReadPixels(pixels);
        return pixels;
    }
}
