using System.Text.Json;
using NUnit.Framework;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Samples.DemoScene;
using RealtimeGen.Tests.Plugin;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Samples.DemoScene;

public class DemoTextureSinkTests
{
    [Test]
    public void Headless_demo_on_the_external_sink_runs_its_frames_and_logs_which_sink_ran()
    {
        var output = Path.Combine(Path.GetTempPath(), $"rtg-demo-sink-{Guid.NewGuid():N}");
        try
        {
            var options = DemoOptions.Parse([
                "--headless", "--frames", "40", "--width", "320", "--height", "180", "--texture-sink", "external",
                "--model", ShippedModel.Directory, "--out", output]);
            var logger = new RecordingLogger();
            int exitCode = FreshThread.Run(() => DemoRun.Run(options, logger));
            string log = string.Join(" | ", logger.Entries.Select(entry => entry.Text));
            if (log.Contains("Texture sink VulkanExternalMemory is unavailable", StringComparison.Ordinal))
            {
                Assert.Ignore($"No Vulkan external memory here; the demo fell back to staging: {log}");
            }

            using var stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "frame-stats.json")));
            Assert.Multiple(() =>
            {
                Assert.That(options.TextureSink, Is.EqualTo(TextureSinkKind.VulkanExternalMemory));
                Assert.That(exitCode, Is.Zero);
                Assert.That(log, Does.Contain("Texture sink VulkanExternalMemory chosen"));
                Assert.That(log, Does.Contain("Generated textures stream through the external memory (Vulkan) sink"));
                Assert.That(stats.RootElement.GetProperty("frames").GetInt32(), Is.EqualTo(29), "40 frames minus warm-up and the last capture");
                Assert.That(File.Exists(Path.Combine(output, "last-frame.png")), Is.True);
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
    public void The_texture_sink_flag_parses_its_values_and_names_the_option_when_wrong()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DemoOptions.Parse([]).TextureSink, Is.EqualTo(TextureSinkKind.CpuStaging), "staging stays the default");
            Assert.That(DemoOptions.Parse(["--texture-sink", "staging"]).TextureSink, Is.EqualTo(TextureSinkKind.CpuStaging));
            Assert.That(DemoOptions.Parse(["--texture-sink", "external"]).TextureSink, Is.EqualTo(TextureSinkKind.VulkanExternalMemory));
            Assert.That(DemoOptions.Parse(["--texture-sink", "auto"]).TextureSink, Is.EqualTo(TextureSinkKind.Auto));
            Assert.That(() => DemoOptions.Parse(["--texture-sink", "opengl"]),
                Throws.TypeOf<FormatException>().With.Message.Contains("--texture-sink").And.Message.Contains("'opengl'"));
            Assert.That(() => DemoOptions.Parse(["--texture-sink"]), Throws.TypeOf<FormatException>().With.Message.Contains("needs a value"));
        });
    }
}
