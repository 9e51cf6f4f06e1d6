using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Samples.DemoScene;
using RealtimeGen.Tests.Plugin;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Samples.DemoScene;

public class DemoScriptRunTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"rtg-script-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void A_bad_script_line_fails_the_run_naming_the_file_and_the_line()
    {
        string script = Path.Combine(_folder, "bad.txt");
        File.WriteAllText(script, "# ok\n0.0 1 green marble\nsoon 2 old wood planks\n");
        var options = DemoOptions.Parse(["--headless", "--script", script, "--out", Path.Combine(_folder, "out")]);

        Assert.That(
            () => DemoRun.Run(options, NullLogger.Instance),
            Throws.TypeOf<RealtimeGenException>().With.Message.Contains(script).And.Message.Contains("line 3").And.Message.Contains("'soon'"));
        Assert.That(Directory.Exists(Path.Combine(_folder, "out")), Is.False, "bad input fails before anything runs");
    }

    [Test]
    public void A_script_naming_an_object_the_scene_lacks_is_refused()
    {
        string script = Path.Combine(_folder, "objects.txt");
        File.WriteAllText(script, "0.0 9 green marble\n");
        var options = DemoOptions.Parse(["--headless", "--script", script]);

        Assert.That(
            () => DemoRun.Run(options, NullLogger.Instance),
            Throws.TypeOf<RealtimeGenException>().With.Message.Contains("line 1").And.Message.Contains("0 to 4"));
    }

    [Test]
    public void A_missing_script_file_is_named()
    {
        string script = Path.Combine(_folder, "missing.txt");
        var options = DemoOptions.Parse(["--headless", "--script", script]);
        Assert.That(() => DemoRun.Run(options, NullLogger.Instance), Throws.TypeOf<RealtimeGenException>().With.Message.Contains(script));
    }

    [Test]
    public void A_missing_model_folder_is_named()
    {
        string model = Path.Combine(_folder, "no-model");
        var options = DemoOptions.Parse(["--headless", "--model", model]);
        Assert.That(() => DemoRun.Run(options, NullLogger.Instance), Throws.TypeOf<RealtimeGenException>().With.Message.Contains(model));
    }

    [Test]
    public void A_scripted_headless_run_writes_a_contact_sheet_of_previews_then_finals()
    {
        string script = Path.Combine(_folder, "script.txt");
        File.WriteAllText(script, "0.0 1 green marble\n0.2 4 dark wet cobblestone\n");
        string output = Path.Combine(_folder, "out");
        var options = DemoOptions.Parse(
            ["--headless", "--script", script, "--model", ShippedModel.Directory, "--width", "320", "--height", "180", "--out", output]);

        int exitCode = FreshThread.Run(() => DemoRun.Run(options, NullLogger.Instance));
        string[] index = File.ReadAllLines(Path.Combine(output, "contact-sheet.txt"));
        var sheet = RealtimeGen.Engine.Rendering.ImageFile.Load(Path.Combine(output, "contact-sheet.png"));

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero);
            Assert.That(index, Has.Some.Contains("1 green sphere 'green marble': preview step 1 of 4"));
            Assert.That(index, Has.Some.Contains("1 green sphere 'green marble': final (4 of 4)"));
            Assert.That(index, Has.Some.Contains("4 floor 'dark wet cobblestone': final (4 of 4)"));
            Assert.That(
                Array.FindIndex(index, l => l.Contains("'green marble': preview step 1", StringComparison.Ordinal)),
                Is.LessThan(Array.FindIndex(index, l => l.Contains("'green marble': final", StringComparison.Ordinal))),
                "previews come before the final");
            Assert.That(sheet.Width, Is.GreaterThan(80));
            Assert.That(File.Exists(Path.Combine(output, "frame-stats.json")), Is.True);
        });
    }

    [Test]
    public void A_second_run_with_the_same_cache_shows_the_finals_from_the_cache_without_previews()
    {
        string script = Path.Combine(_folder, "script.txt");
        File.WriteAllText(script, "0.0 1 green marble\n");
        string cache = Path.Combine(_folder, "cache");
        string[] Run(string name)
        {
            string output = Path.Combine(_folder, name);
            var options = DemoOptions.Parse(
                ["--headless", "--script", script, "--model", ShippedModel.Directory, "--width", "320", "--height", "180", "--out", output, "--cache", cache]);
            Assert.That(FreshThread.Run(() => DemoRun.Run(options, NullLogger.Instance)), Is.Zero);
            return File.ReadAllLines(Path.Combine(output, "contact-sheet.txt"));
        }

        string[] first = Run("first");
        string[] second = Run("second");
        Assert.Multiple(() =>
        {
            Assert.That(first, Has.Some.Contains("'green marble': preview step 1 of 4"));
            Assert.That(first, Has.None.Contains("from the asset cache"));
            Assert.That(second, Has.Some.Contains("1 green sphere 'green marble': final (4 of 4, from the asset cache)"));
            Assert.That(second, Has.None.Contains("'green marble': preview"), "a cached texture arrives final, with no previews");
        });
    }

    [Test]
    public void New_options_parse_and_bad_values_name_the_option()
    {
        var options = DemoOptions.Parse(["--script", "s.txt", "--model", "m", "--no-generation", "--bench", "--bench-frames", "50"]);
        Assert.Multiple(() =>
        {
            Assert.That(options.ScriptPath, Is.EqualTo("s.txt"));
            Assert.That(options.ModelDirectory, Is.EqualTo("m"));
            Assert.That(options.Generate, Is.False);
            Assert.That(options.Bench, Is.True);
            Assert.That(options.BenchFrames, Is.EqualTo(50));
            Assert.That(() => DemoOptions.Parse(["--bench-frames", "x"]), Throws.TypeOf<FormatException>().With.Message.Contains("--bench-frames"));
            Assert.That(() => DemoOptions.Parse(["--script"]), Throws.TypeOf<FormatException>().With.Message.Contains("needs a value"));
        });
    }
}
