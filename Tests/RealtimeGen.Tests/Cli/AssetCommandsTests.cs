using System.Text;
using NUnit.Framework;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Samples.Cli;
using RealtimeGen.Tests.Plugin;

namespace RealtimeGen.Tests.Cli;

/// <summary><c>vary</c>, <c>bake</c>, <c>verify</c> and the watermark on <c>generate</c>.</summary>
public class AssetCommandsTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "rtg-cli-assets-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string File(string name) => Path.Combine(_folder, name);

    [TestCase("vary")]
    [TestCase("bake")]
    [TestCase("verify")]
    public void Every_asset_command_has_help(string command)
    {
        var (code, output, _) = Run(command, "--help");
        Assert.That(code, Is.EqualTo(ExitCode.Ok));
        Assert.That(output, Does.Contain($"Usage: realtimegen {command}").And.Contain("Exit codes"));
    }

    [Test]
    public void Generate_writes_marked_pngs_that_verify_and_unmarked_ones_that_do_not()
    {
        Assert.That(Run("generate", "red brick", "--size", "128", "--seamless", "--threads", "1", "--output", File("marked.png")).Code, Is.EqualTo(ExitCode.Ok));
        Assert.That(Run("generate", "red brick", "--size", "128", "--no-watermark", "--threads", "1", "--output", File("plain.png")).Code, Is.EqualTo(ExitCode.Ok));

        var (markedCode, markedText, _) = Run("verify", File("marked.png"));
        var (plainCode, plainText, _) = Run("verify", File("plain.png"));
        string modelId = ModelFingerprint.Compute(ShippedModel.Directory)[..4];
        Assert.That(markedCode, Is.EqualTo(ExitCode.Ok));
        Assert.That(markedText, Does.Contain("marked").And.Contain($"model id 0x{modelId}").And.Contain("generator tag 0x5247"));
        Assert.That(plainCode, Is.EqualTo(ExitCode.Unmarked));
        Assert.That(plainText, Does.Contain("no RealtimeGen watermark"));
    }

    [Test]
    public void Verify_of_an_unreadable_file_is_a_runtime_failure_naming_it()
    {
        System.IO.File.WriteAllText(File("junk.png"), "junk");
        var (code, _, error) = Run("verify", File("junk.png"));
        Assert.That(code, Is.EqualTo(ExitCode.Failure));
        Assert.That(error, Does.Contain("junk.png"));
    }

    [Test]
    public void Vary_keeps_the_size_and_seamlessness_of_a_tiling_input()
    {
        // The default path: watermarked input and output (the mark wraps with a seamless texture, so it adds no seam).
        Assert.That(Run("generate", "moss", "--size", "256x128", "--seamless", "--threads", "1", "--output", File("moss.png")).Code, Is.EqualTo(ExitCode.Ok));
        var (code, output, error) = Run("vary", File("moss.png"), "--strength", "0.5", "--count", "2", "--threads", "1", "--prompt", "moss");

        Assert.That(code, Is.EqualTo(ExitCode.Ok), error);
        Assert.That(error, Does.Contain("256×128").And.Contain(" seamless"));
        string[] written = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(written, Is.EqualTo(new[] { File("moss-var-0.png"), File("moss-var-1.png") }));
        Image first = ImageFile.Load(written[0]);
        Image second = ImageFile.Load(written[1]);
        Assert.That((first.Width, first.Height), Is.EqualTo((256, 128)));
        Assert.That(SeamMetric.Measure(first.Pixels, 256, 128), Is.LessThanOrEqualTo(SeamMetric.DefaultLimit));
        Assert.That(first.Pixels.SequenceEqual(second.Pixels), Is.False, "variations differ");
        Assert.That(Run("verify", written[0]).Code, Is.EqualTo(ExitCode.Ok), "the variation carries the mark");
    }

    [TestCase(100, "from 128 to 1024")]
    [TestCase(132, "steps of 8")]
    public void Vary_refuses_sizes_out_of_range_or_not_multiples_of_8(int width, string expected)
    {
        var rgba = new byte[width * 128 * 4];
        ImageFile.SavePng(File("odd.png"), width, 128, rgba);
        var (code, _, error) = Run("vary", File("odd.png"), "--threads", "1");
        Assert.That(code, Is.EqualTo(ExitCode.Failure));
        Assert.That(error, Does.Contain("odd.png").And.Contain(expected));
    }

    [Test]
    public void Vary_of_an_unreadable_init_image_names_it()
    {
        System.IO.File.WriteAllBytes(File("broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var (code, _, error) = Run("vary", File("broken.png"), "--threads", "1");
        Assert.That(code, Is.EqualTo(ExitCode.Failure));
        Assert.That(error, Does.Contain("broken.png"));
    }

    [Test]
    public void Bake_of_a_20_asset_manifest_is_instant_the_second_time_and_its_outputs_verify()
    {
        var json = new StringBuilder("{\n  \"defaults\": { \"size\": 128, \"steps\": 1 },\n  \"assets\": [\n");
        for (int i = 0; i < 20; i++)
        {
            json.Append($"    {{ \"name\": \"tile{i:00}\", \"prompt\": \"floor tile {i}\", \"seed\": {i} }}{(i < 19 ? "," : "")}\n");
        }

        json.Append("  ]\n}\n");
        System.IO.File.WriteAllText(File("bake.json"), json.ToString());
        string[] args = ["bake", File("bake.json"), "--out", File("out"), "--cache", File("cache"), "--threads", "1"];

        var (firstCode, firstOutput, firstError) = Run(args);
        var (secondCode, secondOutput, secondError) = Run(args);

        Assert.That(firstCode, Is.EqualTo(ExitCode.Ok), firstError);
        Assert.That(firstOutput, Does.Contain("0 from the cache, 20 generated"));
        Assert.That(firstError, Does.Contain("20/20"));
        Assert.That(secondCode, Is.EqualTo(ExitCode.Ok), secondError);
        Assert.That(secondOutput, Does.Contain("20 from the cache, 0 generated"));
        Assert.That(Directory.GetFiles(File("out"), "*.png"), Has.Length.EqualTo(80));
        foreach (string albedo in Directory.GetFiles(File("out"), "tile*.png").Where(p => !Path.GetFileName(p).Contains('_', StringComparison.Ordinal)))
        {
            Assert.That(Run("verify", albedo).Code, Is.EqualTo(ExitCode.Ok), albedo);
        }
    }

    [Test]
    public void Bake_with_a_bad_manifest_names_the_line()
    {
        System.IO.File.WriteAllText(File("bad.json"), "{\n  \"assets\": [\n    { \"name\": \"a\" }\n  ]\n}\n");
        var (code, _, error) = Run("bake", File("bad.json"), "--out", File("out"), "--cache", File("cache"));
        Assert.That(code, Is.EqualTo(ExitCode.Failure));
        Assert.That(error, Does.Contain("bad.json line 3").And.Contain("\"prompt\""));
    }

    [Test]
    public void Bake_without_an_output_folder_is_a_usage_error()
    {
        Assert.That(Run("bake", File("bad.json")).Code, Is.EqualTo(ExitCode.Usage));
    }
}
