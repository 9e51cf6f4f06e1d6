using NUnit.Framework;
using RealtimeGen.Samples.Cli;
using RealtimeGen.Tests.Plugin;
using StbImageSharp;

namespace RealtimeGen.Tests.Cli;

public class CliAppTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "rtg-cli-" + Guid.NewGuid().ToString("N"));
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

    [Test]
    public void No_arguments_is_a_usage_error_with_help()
    {
        var (code, _, error) = Run();
        Assert.That(code, Is.EqualTo(ExitCode.Usage));
        Assert.That(error, Does.Contain("Commands:"));
    }

    [TestCase("generate")]
    [TestCase("info")]
    [TestCase("bench")]
    public void Every_command_has_help(string command)
    {
        var (code, output, _) = Run(command, "--help");
        Assert.That(code, Is.EqualTo(ExitCode.Ok));
        Assert.That(output, Does.Contain($"Usage: realtimegen {command}").And.Contain("Exit codes"));
    }

    [Test]
    public void Generate_writes_a_png_of_the_requested_size()
    {
        string path = Path.Combine(_folder, "brick.png");
        var (code, output, error) = Run("generate", "mossy red brick wall", "--output", path, "--size", "64x32", "--seed", "3", "--model", ShippedModel.Directory);
        Assert.That(code, Is.EqualTo(ExitCode.Ok), error);
        Assert.That(output.Trim(), Is.EqualTo(path));
        ImageResult image = ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.RedGreenBlueAlpha);
        Assert.That((image.Width, image.Height), Is.EqualTo((64, 32)));
    }

    [Test]
    public void Generate_finds_the_shipped_model_by_default_and_saves_previews()
    {
        string path = Path.Combine(_folder, "t.png");
        var (code, output, error) = Run("generate", "dark wet cobblestone", "--output", path, "--size", "32", "--steps", "2", "--previews");
        Assert.That(code, Is.EqualTo(ExitCode.Ok), error);
        Assert.That(File.Exists(Path.Combine(_folder, "t.step1.png")), Is.True);
        Assert.That(File.ReadAllBytes(Path.Combine(_folder, "t.step2.png")), Is.EqualTo(File.ReadAllBytes(path)));
        Assert.That(output, Does.Contain("t.step2.png"));
    }

    [TestCase("--size", "100")]
    [TestCase("--steps", "51")]
    public void Requests_the_model_refuses_are_runtime_failures(string option, string value)
    {
        var (code, _, error) = Run("generate", "x", option, value, "--output", Path.Combine(_folder, "x.png"));
        Assert.That(code, Is.EqualTo(ExitCode.Failure));
        Assert.That(error, Does.StartWith("error: Expected"));
    }

    [TestCase("--bogus")]
    [TestCase("--steps", "zero")]
    [TestCase("--steps", "0")]
    [TestCase("--provider", "metal")]
    [TestCase("--size", "12by12")]
    public void Malformed_command_lines_are_usage_errors(params string[] extra)
    {
        var (code, _, error) = Run(["generate", "x", .. extra]);
        Assert.That(code, Is.EqualTo(ExitCode.Usage));
        Assert.That(error, Does.StartWith("error: "));
    }

    [Test]
    public void An_unavailable_provider_names_the_package()
    {
        var (code, _, error) = Run("generate", "x", "--provider", "cuda", "--output", Path.Combine(_folder, "x.png"));
        Assert.That(code, Is.EqualTo(ExitCode.Failure));
        Assert.That(error, Does.Contain("Microsoft.ML.OnnxRuntime.Gpu"));
    }

    [Test]
    public void A_missing_model_folder_is_a_runtime_failure()
    {
        var (code, _, error) = Run("info", "--model", Path.Combine(_folder, "nothing"));
        Assert.That(code, Is.EqualTo(ExitCode.Failure));
        Assert.That(error, Does.Contain("does not exist"));
    }

    [Test]
    public void A_corrupt_init_image_is_a_runtime_failure()
    {
        string init = Path.Combine(_folder, "init.png");
        File.WriteAllText(init, "not an image");
        var (code, _, error) = Run("generate", "x", "--init", init, "--output", Path.Combine(_folder, "x.png"));
        Assert.That(code, Is.EqualTo(ExitCode.Failure));
        Assert.That(error, Does.Contain(init));
    }

    [Test]
    public void Img2img_from_a_png_works_end_to_end()
    {
        string first = Path.Combine(_folder, "a.png");
        Assert.That(Run("generate", "red brick wall", "--output", first, "--size", "64").Code, Is.EqualTo(ExitCode.Ok));
        string second = Path.Combine(_folder, "b.png");
        var (code, _, error) = Run("generate", "mossy red brick wall", "--init", first, "--strength", "0.5", "--size", "64", "--output", second);
        Assert.That(code, Is.EqualTo(ExitCode.Ok), error);
        Assert.That(File.ReadAllBytes(second), Is.Not.EqualTo(File.ReadAllBytes(first)));
    }

    [Test]
    public void Info_prints_signatures_and_providers()
    {
        var (code, output, error) = Run("info");
        Assert.That(code, Is.EqualTo(ExitCode.Ok), error);
        Assert.That(output, Does.Contain("unet").And.Contain("sample: float32[?,4,?,?]").And.Contain("Providers:  available Cpu"));
        Assert.That(output, Does.Contain("77 tokens (the UNet reads the first 16; only those are encoded)"));
    }

    [Test]
    public void Bench_prints_the_percentile_table()
    {
        var (code, output, error) = Run("bench", "--runs", "3", "--warmup", "1", "--size", "32");
        Assert.That(code, Is.EqualTo(ExitCode.Ok), error);
        Assert.That(output, Does.Contain("| UNet step (one run) |").And.Contain("| end to end, cold prompt |").And.Contain("overhead"));
        Assert.That(error, Does.Contain("3/3 cached prompt"));
    }

    [Test]
    public void Bench_compares_against_pytorch_running_the_same_packages_weights_without_a_recipe_run()
    {
        Training.TrainingRecipeTests.RequireTorch();
        var (code, output, error) = Run("bench", "--runs", "12", "--warmup", "0", "--size", "32", "--torch");
        Assert.That(code, Is.EqualTo(ExitCode.Ok), error);
        Assert.That(output, Does.Contain("PyTorch eager: 12 runs, alternating with ours in blocks of 10"), "a full block and the remainder");
        Assert.That(output, Does.Contain("| p50 ms | ours (ONNX Runtime) | PyTorch eager | speed-up |"));
        Assert.That(output, Does.Match(@"\| end to end \| [0-9.]+ \| [0-9.]+ \| [0-9.]+× \|"));
        Assert.That(output, Does.Contain("PyTorch weights: package "), "the baseline runs the package's own weights");
        Assert.That(output, Does.Contain("rtg-texture-lcm"));
    }

    [Test]
    public void Bench_with_a_baseline_that_cannot_run_fails_with_its_reason_instead_of_crashing()
    {
        string empty = Path.Combine(Path.GetTempPath(), "rtg-empty-run-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(empty);
        try
        {
            var (code, output, error) = Run("bench", "--runs", "1", "--warmup", "0", "--size", "32", "--torch", "--torch-run", empty);
            Assert.That(code, Is.EqualTo(ExitCode.Failure), error);
            Assert.That(output, Does.Not.Contain("PyTorch eager"), "no comparison table without a baseline");
            Assert.That(error, Does.Contain("error: ").And.Contain("PyTorch baseline"));
            if (File.Exists("/usr/bin/python3"))
            {
                Assert.That(error, Does.Contain(Path.Combine(empty, "teacher.pt") + " is missing"));
            }
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Test]
    public void Percentiles_use_nearest_rank()
    {
        double[] values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
        Assert.That(BenchCommand.Percentile(values, 50), Is.EqualTo(5));
        Assert.That(BenchCommand.Percentile(values, 95), Is.EqualTo(10));
        Assert.That(values[0], Is.EqualTo(5), "input left unsorted");
    }
}
