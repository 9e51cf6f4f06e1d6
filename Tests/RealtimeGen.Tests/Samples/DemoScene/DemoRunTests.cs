using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Samples.DemoScene;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Samples.DemoScene;

public class DemoRunTests
{
    [Test]
    public void Headless_run_writes_screenshots_of_a_moving_lit_scene_and_frame_stats()
    {
        var output = Path.Combine(Path.GetTempPath(), $"rtg-demo-{Guid.NewGuid():N}");
        try
        {
            var options = DemoOptions.Parse(["--headless", "--frames", "40", "--width", "320", "--height", "180", "--out", output]);
            var exitCode = FreshThread.Run(() => DemoRun.Run(options, NullLogger.Instance));

            var first = ImageFile.Load(Path.Combine(output, "first-frame.png"));
            var last = ImageFile.Load(Path.Combine(output, "last-frame.png"));
            using var stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "frame-stats.json")));

            Assert.Multiple(() =>
            {
                Assert.That(exitCode, Is.Zero);
                Assert.That((first.Width, first.Height), Is.EqualTo((320, 180)));
                Assert.That(Pixel(last, 160, 5), Is.EqualTo(Pixel(first, 160, 5)), "the sky does not move");
                Assert.That(Pixel(last, 160, 5).B, Is.GreaterThan(Pixel(last, 160, 5).R), "the top of the frame is sky blue");
                Assert.That(CountDifferentPixels(first, last), Is.GreaterThan(200), "the objects rotate between the first and last frame");
                Assert.That(DistinctColours(last), Is.GreaterThan(500), "a lit, textured scene has shading, not flat fills");
                Assert.That(stats.RootElement.GetProperty("frames").GetInt32(), Is.EqualTo(29), "40 frames minus 10 warm-up frames and the unmeasured last-frame capture");
                Assert.That(stats.RootElement.GetProperty("frame_ms").GetProperty("p99").GetDouble(), Is.GreaterThan(0));
            });
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    [Test]
    public void Windowed_without_a_display_fails_with_a_clear_message()
    {
        var demo = typeof(DemoRun).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(demo);
        start.ArgumentList.Add("--windowed");
        start.Environment.Remove("DISPLAY");
        start.Environment.Remove("WAYLAND_DISPLAY");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        Assert.That(process.WaitForExit(60_000), Is.True, "the demo must not hang without a display");
        var text = stdout.Result + stderr;

        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.EqualTo(1));
            Assert.That(text, Does.Contain("no display"));
            Assert.That(text, Does.Contain("--headless"));
        });
    }

    [Test]
    public void Bad_arguments_name_the_option()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => DemoOptions.Parse(["--frames", "-3"]), Throws.TypeOf<FormatException>().With.Message.Contains("--frames").And.Message.Contains("-3"));
            Assert.That(() => DemoOptions.Parse(["--vsync", "maybe"]), Throws.TypeOf<FormatException>().With.Message.Contains("'on' or 'off'"));
            Assert.That(() => DemoOptions.Parse(["--bogus"]), Throws.TypeOf<FormatException>().With.Message.Contains("--bogus"));
            Assert.That(() => DemoOptions.Parse(["--out"]), Throws.TypeOf<FormatException>().With.Message.Contains("needs a value"));
            Assert.That(() => DemoOptions.Parse(["--cache"]), Throws.TypeOf<FormatException>().With.Message.Contains("--cache"));
        });
    }

    [Test]
    public void The_cache_flag_sets_the_cache_folder_and_is_off_by_default()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DemoOptions.Parse(["--cache", "out/cache"]).CacheDirectory, Is.EqualTo("out/cache"));
            Assert.That(DemoOptions.Parse(["--headless"]).CacheDirectory, Is.Null);
        });
    }

    private static (byte R, byte G, byte B) Pixel(Image image, int x, int y)
    {
        var i = ((y * image.Width) + x) * 4;
        return (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
    }

    private static int CountDifferentPixels(Image a, Image b)
    {
        var count = 0;
        for (var i = 0; i < a.Pixels.Length; i += 4)
        {
            if (Math.Abs(a.Pixels[i] - b.Pixels[i]) + Math.Abs(a.Pixels[i + 1] - b.Pixels[i + 1]) + Math.Abs(a.Pixels[i + 2] - b.Pixels[i + 2]) > 24)
            {
                count++;
            }
        }

        return count;
    }

    private static int DistinctColours(Image image)
    {
        var colours = new HashSet<int>();
        for (var i = 0; i < image.Pixels.Length; i += 4)
        {
            colours.Add((image.Pixels[i] << 16) | (image.Pixels[i + 1] << 8) | image.Pixels[i + 2]);
        }

        return colours.Count;
    }
}
