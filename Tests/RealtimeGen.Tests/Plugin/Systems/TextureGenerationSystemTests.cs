using NUnit.Framework;
using RealtimeGen.Engine.Ecs;
using RealtimeGen.Plugin.Components;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Tests.Plugin.Generation;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Plugin.Systems;

public class TextureGenerationSystemTests
{
    private static LcmPipeline Pipeline => ShippedModel.Pipeline;

    private static LcmGenerationBackend ShippedBackend() => new(Pipeline, ownsPipeline: false);

    private static TextureRequest Request(string prompt, long seed = 7, int steps = 4, int size = 64) =>
        new(prompt) { Seed = seed, Steps = steps, Width = size, Height = size };

    private static bool Completed(World world, Entity entity, int version = 0) =>
        world.TryGet(entity, out GenerationProgress progress) && progress.IsComplete && progress.Version == version;

    [Test]
    public void A_request_streams_previews_then_a_texture_equal_to_a_direct_pipeline_call()
    {
        TextureRequest request = Request("mossy red brick wall");
        var (pixels, steps, failed) = GlTestHost.Run(context =>
        {
            using var harness = new StreamingHarness(context.Gl, ShippedBackend);
            Entity entity = harness.World.Create(request);
            harness.RunUntil(() => Completed(harness.World, entity), "the final image");
            harness.Settle();
            return (harness.ReadTexture(entity), harness.Updates.Select(u => u.Step).ToArray(), harness.World.Has<GenerationFailed>(entity));
        });

        byte[] expected = Pipeline.Generate(request.ToGenerationRequest());
        Assert.Multiple(() =>
        {
            Assert.That(pixels, Is.EqualTo(expected));
            Assert.That(steps, Is.EqualTo(new[] { 1, 2, 3, 4 }), "three previews, then the final image");
            Assert.That(failed, Is.False);
        });
    }

    [Test]
    public void Many_rapid_changes_end_with_the_last_prompts_texture_and_no_leaked_slots_or_jobs()
    {
        var result = GlTestHost.Run(context =>
        {
            using var harness = new StreamingHarness(context.Gl, ShippedBackend);
            Entity entity = harness.World.Create();
            for (int i = 0; i < 12; i++)
            {
                harness.Plugin.Request(entity, Request($"prompt number {i}", seed: i));
                harness.RunFrame();
            }

            int version = harness.World.Get<TextureRequest>(entity).Version;
            harness.RunUntil(() => Completed(harness.World, entity, version), "the last request's final image");
            harness.Settle();
            return (
                Pixels: harness.ReadTexture(entity),
                Finals: harness.Updates.Count(u => u.Step == u.Steps),
                Free: harness.Streamer.FreeSlotCount,
                harness.Streamer.SlotCount,
                Active: harness.Plugin.Generation.ActiveJobCount,
                Pending: harness.Streamer.PendingCount);
        });

        byte[] expected = Pipeline.Generate(Request("prompt number 11", seed: 11).ToGenerationRequest());
        Assert.Multiple(() =>
        {
            Assert.That(result.Pixels, Is.EqualTo(expected), "latest wins");
            Assert.That(result.Finals, Is.LessThan(12), "replaced jobs were cancelled, not all run to the end");
            Assert.That(result.Free, Is.EqualTo(result.SlotCount), "no leaked staging slots");
            Assert.That(result.Active, Is.Zero);
            Assert.That(result.Pending, Is.Zero);
        });
    }

    [Test]
    public void Destroying_the_entity_or_removing_its_request_cancels_the_running_job()
    {
        var backend = new ScriptedBackend();
        var result = GlTestHost.Run(context =>
        {
            using var harness = new StreamingHarness(context.Gl, () => backend);
            Entity destroyed = harness.World.Create(Request("block destroyed"));
            harness.RunUntil(() => backend.BlockedStarted.IsSet, "the job to start");
            harness.World.Destroy(destroyed);
            harness.RunUntil(() => backend.Cancelled.Count == 1, "the cancellation of the destroyed entity's job");
            int trackedAfterDestroy = harness.Plugin.Generation.TrackedCount;

            backend.BlockedStarted.Reset();
            Entity stripped = harness.World.Create(Request("block stripped"));
            harness.RunUntil(() => backend.BlockedStarted.IsSet, "the second job to start");
            harness.World.Remove<TextureRequest>(stripped);
            harness.RunUntil(() => backend.Cancelled.Count == 2, "the cancellation of the stripped entity's job");
            harness.Settle();
            return (backend.Cancelled.ToArray(), trackedAfterDestroy, harness.Updates.Count, harness.Plugin.Generation.ActiveJobCount);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.Item1, Is.EqualTo(new[] { "block destroyed", "block stripped" }));
            Assert.That(result.trackedAfterDestroy, Is.Zero, "a destroyed entity's texture is released");
            Assert.That(result.Item3, Is.Zero, "no image of a cancelled job reached a texture");
            Assert.That(result.Item4, Is.Zero);
        });
    }

    [Test]
    public void A_job_that_throws_marks_the_entity_failed_keeps_its_texture_and_the_next_request_works()
    {
        var result = GlTestHost.Run(context =>
        {
            using var harness = new StreamingHarness(context.Gl, () => new FaultyLcmBackend(ShippedBackend()));
            Entity entity = harness.World.Create(Request("green marble"));
            harness.RunUntil(() => Completed(harness.World, entity), "the first texture");
            harness.Settle();
            byte[] good = harness.ReadTexture(entity);

            harness.Plugin.Request(entity, Request("green marble fail@1"));
            harness.RunUntil(() => harness.World.Has<GenerationFailed>(entity), "the failure");
            GenerationFailed failure = harness.World.Get<GenerationFailed>(entity);
            harness.Settle();
            byte[] afterFailure = harness.ReadTexture(entity);

            harness.Plugin.Request(entity, Request("blue floor tiles"));
            harness.RunUntil(() => Completed(harness.World, entity, 2), "the texture after the failure");
            harness.Settle();
            return (good, failure, afterFailure, Recovered: harness.ReadTexture(entity), StillFailed: harness.World.Has<GenerationFailed>(entity));
        });

        byte[] expected = Pipeline.Generate(Request("blue floor tiles").ToGenerationRequest());
        Assert.Multiple(() =>
        {
            Assert.That(result.failure.Reason, Does.Contain("injected fault at step 1"));
            Assert.That(result.failure.Version, Is.EqualTo(1));
            Assert.That(result.afterFailure, Is.EqualTo(result.good), "the last good texture stays");
            Assert.That(result.Recovered, Is.EqualTo(expected), "the service still generates");
            Assert.That(result.StillFailed, Is.False, "a completed request clears the failure");
        });
    }

    [Test]
    public void Frames_allocate_nothing_on_the_render_thread_while_generation_streams()
    {
        var result = GlTestHost.Run(context =>
        {
            using var harness = new StreamingHarness(context.Gl, ShippedBackend);
            Entity entity = harness.World.Create(Request("old wood planks", steps: 8, size: 128));
            harness.RunUntil(() => Completed(harness.World, entity), "the warm-up texture");
            harness.Settle();

            harness.Plugin.Request(entity, Request("cracked white marble", steps: 8, size: 128));
            harness.RunFrame();
            int updatesBefore = harness.Updates.Count;
            Func<bool> done = () => Completed(harness.World, entity, 1);
            long framesBefore = harness.Frames;
            long before = GC.GetAllocatedBytesForCurrentThread();
            harness.RunUntil(done, "the streamed texture");
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            return (allocated, Images: harness.Updates.Count - updatesBefore, Frames: harness.Frames - framesBefore);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.Images, Is.GreaterThanOrEqualTo(2), "images were streamed during the measured frames");
            Assert.That(result.Frames, Is.GreaterThan(1));
            Assert.That(result.allocated, Is.Zero, $"bytes allocated over {result.Frames} frames");
        });
    }
}
