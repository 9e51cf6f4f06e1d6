using System.Text.Json;
using NUnit.Framework;
using RealtimeGen.Engine.Frames;

namespace RealtimeGen.Tests.Engine.Frames;

public class FrameStatsTests
{
    [Test]
    public void Percentiles_use_nearest_rank()
    {
        var stats = new FrameStats(capacity: 200, budgetMs: 10);
        for (var i = 1; i <= 100; i++)
        {
            stats.Record(cpuMs: i / 10.0, frameMs: i);
        }

        var summary = stats.Summarize();

        Assert.Multiple(() =>
        {
            Assert.That(summary.Frames, Is.EqualTo(100));
            Assert.That(summary.FrameMs.P50, Is.EqualTo(50));
            Assert.That(summary.FrameMs.P95, Is.EqualTo(95));
            Assert.That(summary.FrameMs.P99, Is.EqualTo(99));
            Assert.That(summary.FrameMs.Max, Is.EqualTo(100));
            Assert.That(summary.FrameMs.Mean, Is.EqualTo(50.5).Within(1e-9));
            Assert.That(summary.CpuMs.P50, Is.EqualTo(5.0).Within(1e-9));
            Assert.That(summary.FramesOverBudget, Is.EqualTo(90), "frames 11..100 exceed the 10 ms budget");
        });
    }

    [Test]
    public void Ring_keeps_the_most_recent_frames_oldest_first()
    {
        var stats = new FrameStats(capacity: 4);
        for (var i = 0; i < 10; i++)
        {
            stats.Record(i, i * 2);
        }

        var frames = new double[4];
        var written = stats.CopyFrameTimes(frames);

        Assert.Multiple(() =>
        {
            Assert.That(written, Is.EqualTo(4));
            Assert.That(frames, Is.EqualTo(new double[] { 12, 14, 16, 18 }));
            Assert.That(stats.TotalRecorded, Is.EqualTo(10));
            Assert.That(stats.Summarize().CpuMs.Max, Is.EqualTo(9));
        });
    }

    [Test]
    public void Clear_forgets_warm_up_frames()
    {
        var stats = new FrameStats(capacity: 8);
        stats.Record(100, 100);
        stats.Clear();
        stats.Record(1, 2);

        Assert.That(stats.Summarize().FrameMs.Max, Is.EqualTo(2));
    }

    [Test]
    public void Recording_does_not_allocate()
    {
        var stats = new FrameStats(capacity: 64);
        stats.Record(1, 1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            stats.Record(i * 0.001, i * 0.002);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Json_has_snake_case_percentiles()
    {
        var stats = new FrameStats(capacity: 16, budgetMs: 5);
        stats.Record(1, 4);
        stats.Record(2, 6);
        var path = Path.Combine(Path.GetTempPath(), $"rtg-stats-{Guid.NewGuid():N}", "stats.json");
        try
        {
            stats.Summarize().WriteJson(path);
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;

            Assert.Multiple(() =>
            {
                Assert.That(root.GetProperty("frames").GetInt32(), Is.EqualTo(2));
                Assert.That(root.GetProperty("frames_over_budget").GetInt32(), Is.EqualTo(1));
                Assert.That(root.GetProperty("frame_ms").GetProperty("p99").GetDouble(), Is.EqualTo(6));
                Assert.That(root.GetProperty("cpu_ms").GetProperty("p50").GetDouble(), Is.EqualTo(1));
            });
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Test]
    public void Invalid_construction_is_rejected()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FrameStats(capacity: 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FrameStats(budgetMs: 0));
        });
    }
}
