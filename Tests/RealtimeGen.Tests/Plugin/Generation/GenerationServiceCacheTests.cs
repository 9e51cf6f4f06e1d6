using Microsoft.Extensions.Logging;
using NUnit.Framework;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Plugin.Generation;

/// <summary>The service's asset-cache path with a scripted backend (fills the final image with 255).</summary>
public class GenerationServiceCacheTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private string _root = "";

    [SetUp]
    public void CreateFolder() => _root = Path.Combine(Path.GetTempPath(), "rtg-service-cache-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void RemoveFolder()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static GenerationRequest Request(string prompt) => new() { Prompt = prompt, Steps = 3, Width = 8, Height = 8 };

    private static GenerationServiceOptions Options() => new() { WorkerPriority = WorkerPriority.Normal };

    [Test]
    public void A_cached_request_is_published_as_a_final_from_the_cache_with_the_stored_pixels_and_no_previews()
    {
        using var sink = new MemoryTextureSink(4, 256);
        var backend = new ScriptedBackend { ModelHash = new string('b', 64) };
        var cache = new AssetCache(_root);
        List<GenerationEvent> first;
        List<(GenerationEvent Event, byte[] Pixels)> second;
        long inferences, hits, stores;
        using (var service = new GenerationService(sink, () => backend, Options(), cache: cache))
        {
            service.Submit(1, Request("slate"));
            first = [.. Read(service, sink, 1).Select(e => e.Event)];
            Wait(() => service.CacheStoreCount == 1, "the store");
            service.Submit(2, Request("slate"));
            second = Read(service, sink, 1);
            (inferences, hits, stores) = (service.CompletedInferenceCount, service.CacheHitCount, service.CacheStoreCount);
        }

        Assert.Multiple(() =>
        {
            Assert.That(backend.Started, Is.EqualTo(new[] { "slate" }), "the backend ran once");
            Assert.That((inferences, hits, stores), Is.EqualTo((1L, 1L, 1L)));
            Assert.That(first.Count(e => e.Kind == GenerationEventKind.Preview), Is.EqualTo(2));
            Assert.That(first.Last().FromCache, Is.False);
            Assert.That(second, Has.Count.EqualTo(1), "a hit has no previews");
            Assert.That(second[0].Event.Kind, Is.EqualTo(GenerationEventKind.Final));
            Assert.That(second[0].Event.FromCache, Is.True);
            Assert.That((second[0].Event.Step, second[0].Event.Steps), Is.EqualTo((3, 3)));
            Assert.That(second[0].Pixels, Is.All.EqualTo(255), "the stored final image, not a preview");
            Assert.That(sink.FreeCount, Is.EqualTo(4));
        });
    }

    [Test]
    public void A_backend_without_cache_keys_never_reads_or_fills_the_cache()
    {
        using var sink = new MemoryTextureSink(4, 256);
        var backend = new ScriptedBackend();
        var cache = new AssetCache(_root);
        using (var service = new GenerationService(sink, () => backend, Options(), cache: cache))
        {
            service.Submit(1, Request("slate"));
            Read(service, sink, 1);
            service.Submit(2, Request("slate"));
            Read(service, sink, 1);
            Assert.That((service.CompletedInferenceCount, service.CacheHitCount, service.CacheStoreCount), Is.EqualTo((2L, 0L, 0L)));
        }

        Assert.That(cache.SizeBytes(), Is.Zero);
    }

    [Test]
    public void A_cache_key_that_cannot_be_made_is_logged_and_the_job_is_generated_without_the_cache()
    {
        using var sink = new MemoryTextureSink(4, 256);
        var backend = new ScriptedBackend { KeyFailure = "cannot fingerprint the package" };
        var logger = new RecordingLogger();
        List<(GenerationEvent Event, byte[] Pixels)> events;
        using (var service = new GenerationService(sink, () => backend, Options(), logger, new AssetCache(_root)))
        {
            service.Submit(1, Request("slate"));
            events = Read(service, sink, 1);
            Assert.That((service.CompletedInferenceCount, service.CacheStoreCount), Is.EqualTo((1L, 0L)));
        }

        Assert.Multiple(() =>
        {
            Assert.That(events.Any(e => e.Event.Kind == GenerationEventKind.Failed), Is.False);
            Assert.That(events[^1].Pixels, Is.All.EqualTo(255));
            Assert.That(logger.TextsAtOrAbove(LogLevel.Warning), Has.One.Contains("cannot fingerprint the package"));
        });
    }

    // Reads events until `finals` final images arrived, copying each image out before releasing its slot.
    private static List<(GenerationEvent Event, byte[] Pixels)> Read(GenerationService service, MemoryTextureSink sink, int finals)
    {
        var events = new List<(GenerationEvent, byte[])>();
        Wait(
            () =>
            {
                while (service.TryRead(out GenerationEvent e))
                {
                    byte[] pixels = e.Slot is { } slot ? slot.GetSpan(e.Width * e.Height * 4).ToArray() : [];
                    if (e.Slot is { } used)
                    {
                        sink.ReleaseSlot(used);
                    }

                    events.Add((e, pixels));
                    finals -= e.Kind == GenerationEventKind.Final ? 1 : 0;
                }

                return finals <= 0;
            },
            "the final images");
        return events;
    }

    private static void Wait(Func<bool> done, string what)
    {
        DateTime deadline = DateTime.UtcNow + Patience;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Gave up waiting for {what}.");
            }

            Thread.Sleep(1);
        }
    }
}
