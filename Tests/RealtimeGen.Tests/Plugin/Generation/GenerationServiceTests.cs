using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Tests.Plugin.Generation;

public class GenerationServiceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static GenerationRequest Request(string prompt, int steps = 4) => new() { Prompt = prompt, Steps = steps, Width = 8, Height = 8 };

    [Test]
    public void Queued_jobs_run_highest_priority_first_then_in_submission_order()
    {
        using var sink = new MemoryTextureSink(8, 256);
        var backend = new ScriptedBackend();
        using (var service = new GenerationService(sink, () => backend, Options()))
        {
            service.Submit(1, Request("block"));
            Assert.That(backend.BlockedStarted.Wait(Patience), Is.True);
            service.Submit(2, Request("low"), priority: 0);
            service.Submit(3, Request("high"), priority: 5);
            service.Submit(4, Request("low later"), priority: 0);
            service.Submit(5, Request("middle"), priority: 2);
            backend.Unblock();
            ReadUntil(service, sink, e => e.Kind == GenerationEventKind.Final, count: 5);
        }

        Assert.That(backend.Started, Is.EqualTo(new[] { "block", "high", "middle", "low", "low later" }));
    }

    [Test]
    public void A_newer_job_for_the_same_key_cancels_the_running_one_and_the_queued_one()
    {
        using var sink = new MemoryTextureSink(8, 256);
        var backend = new ScriptedBackend();
        List<GenerationEvent> events;
        long lastId;
        using (var service = new GenerationService(sink, () => backend, Options()))
        {
            service.Submit(1, Request("block first"));
            Assert.That(backend.BlockedStarted.Wait(Patience), Is.True);
            service.Submit(1, Request("second"));
            lastId = service.Submit(1, Request("third"))!.Id;
            events = ReadUntil(service, sink, e => e.Kind == GenerationEventKind.Final, count: 1);
        }

        Assert.Multiple(() =>
        {
            Assert.That(backend.Cancelled, Is.EqualTo(new[] { "block first" }), "the running job saw its cancellation");
            Assert.That(backend.Started, Does.Not.Contain("second"), "the queued job never started");
            Assert.That(events.Count(e => e.Kind == GenerationEventKind.Cancelled), Is.EqualTo(2));
            Assert.That(events.Single(e => e.Kind == GenerationEventKind.Final).JobId, Is.EqualTo(lastId));
            Assert.That(sink.FreeCount, Is.EqualTo(8), "every slot came back");
        });
    }

    [Test]
    public void Workers_ask_the_sink_for_slots_of_the_jobs_target_texture_and_size()
    {
        using var sink = new MemoryTextureSink(4, 256);
        var backend = new ScriptedBackend();
        var target = new StreamedTextureHandle(3, 7);
        using (var service = new GenerationService(sink, () => backend, Options() with { PreviewMode = PreviewMode.EveryStep }))
        {
            service.Submit(1, Request("targeted", steps: 3), target: target);
            ReadUntil(service, sink, e => e.Kind == GenerationEventKind.Final, count: 1);
        }

        var asked = sink.Asked.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(asked, Has.Length.EqualTo(3), "two previews and the final");
            Assert.That(asked, Is.All.EqualTo((target, 8, 8)));
        });
    }

    [Test]
    public void A_job_that_throws_reports_its_reason_and_the_service_carries_on()
    {
        using var sink = new MemoryTextureSink(4, 256);
        var backend = new ScriptedBackend();
        List<GenerationEvent> events;
        using (var service = new GenerationService(sink, () => backend, Options()))
        {
            service.Submit(1, Request("broken fail@2"));
            service.Submit(2, Request("fine"));
            events = ReadUntil(service, sink, e => e.Kind is GenerationEventKind.Final or GenerationEventKind.Failed, count: 2);
        }

        GenerationEvent failed = events.Single(e => e.Kind == GenerationEventKind.Failed);
        Assert.Multiple(() =>
        {
            Assert.That(failed.Key, Is.EqualTo(1));
            Assert.That(failed.Reason, Does.Contain("injected fault at step 2"));
            Assert.That(events.Count(e => e.Kind == GenerationEventKind.Preview && e.Key == 1), Is.EqualTo(1), "step 1 previewed before the fault");
            Assert.That(events.Single(e => e.Kind == GenerationEventKind.Final).Key, Is.EqualTo(2));
            Assert.That(sink.FreeCount, Is.EqualTo(4));
        });
    }

    [Test]
    public void Preview_policy_every_kth_step_and_final_only()
    {
        int[] Previews(PreviewMode mode)
        {
            using var sink = new MemoryTextureSink(8, 256);
            var backend = new ScriptedBackend();
            using var service = new GenerationService(sink, () => backend, Options() with { PreviewMode = mode, PreviewInterval = 2 });
            service.Submit(1, Request("six", steps: 6));
            return ReadUntil(service, sink, e => e.Kind == GenerationEventKind.Final, count: 1)
                .Where(e => e.Kind == GenerationEventKind.Preview).Select(e => e.Step).ToArray();
        }

        Assert.Multiple(() =>
        {
            Assert.That(Previews(PreviewMode.EveryStep), Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
            Assert.That(Previews(PreviewMode.EveryKthStep), Is.EqualTo(new[] { 2, 4 }));
            Assert.That(Previews(PreviewMode.FinalOnly), Is.Empty);
        });
    }

    [Test]
    public void A_full_queue_drops_its_lowest_priority_job_for_a_higher_one_and_refuses_a_lower_one()
    {
        using var sink = new MemoryTextureSink(4, 256);
        var backend = new ScriptedBackend();
        using var service = new GenerationService(sink, () => backend, Options() with { QueueCapacity = 2 });
        service.Submit(1, Request("block"));
        Assert.That(backend.BlockedStarted.Wait(Patience), Is.True);
        service.Submit(2, Request("a"), priority: 1);
        service.Submit(3, Request("b"), priority: 0);
        GenerationJob? refused = service.Submit(4, Request("c"), priority: 0);
        GenerationJob? accepted = service.Submit(5, Request("d"), priority: 3);
        Assert.That(service.TryRead(out GenerationEvent dropped), Is.True);

        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.Null);
            Assert.That(accepted, Is.Not.Null);
            Assert.That(dropped.Kind, Is.EqualTo(GenerationEventKind.Dropped));
            Assert.That(dropped.Key, Is.EqualTo(3));
            Assert.That(service.QueuedCount, Is.EqualTo(2));
        });
        backend.Unblock();
    }

    [Test]
    public void A_texture_larger_than_a_staging_slot_is_refused_with_both_sizes()
    {
        using var sink = new MemoryTextureSink(2, 1024);
        using var service = new GenerationService(sink, () => new ScriptedBackend(), Options());
        Assert.That(
            () => service.Submit(1, Request("big") with { Width = 32, Height = 32 }),
            Throws.TypeOf<RealtimeGenException>().With.Message.Contains("32×32").And.Message.Contains("1024"));
    }

    private static GenerationServiceOptions Options() => new() { WorkerPriority = WorkerPriority.Normal };

    private static List<GenerationEvent> ReadUntil(GenerationService service, MemoryTextureSink sink, Func<GenerationEvent, bool> counts, int count)
    {
        var events = new List<GenerationEvent>();
        var deadline = DateTime.UtcNow + Patience;
        int seen = 0;
        while (seen < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Only {seen} of {count} events arrived: {string.Join(", ", events)}");
            }

            if (!service.TryRead(out GenerationEvent e))
            {
                Thread.Sleep(1);
                continue;
            }

            events.Add(e);
            if (e.Slot is { } slot)
            {
                sink.ReleaseSlot(slot);
            }

            if (counts(e))
            {
                seen++;
            }
        }

        return events;
    }
}
