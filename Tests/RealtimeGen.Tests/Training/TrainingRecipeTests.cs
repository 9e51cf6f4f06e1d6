using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using NUnit.Framework;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Models;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Tests.Plugin;

namespace RealtimeGen.Tests.Training;

/// <summary>
/// The Python recipe in Training/ still trains and exports: its <c>--smoke</c> mode runs a few steps of every stage
/// and writes a package that the C# side loads, checks against the export's own PyTorch vectors, and generates from.
/// </summary>
[NonParallelizable]
public class TrainingRecipeTests
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan SmokeLimit = TimeSpan.FromMinutes(5);

    [Test]
    public void Smoke_run_trains_every_stage_and_exports_a_package_the_pipeline_runs()
    {
        RequireTorch();
        string run = Path.Combine(Path.GetTempPath(), "rtg-smoke-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output) = RunPython(["-m", "rtg_training", "--smoke", "--out", run], SmokeLimit);
            Assert.That(code, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain("rtg_training: OK"));
            foreach (string stage in new[] { "data", "tokenizer", "ae", "latents", "teacher", "lcd", "classifier", "eval", "export", "sheets", "card" })
            {
                Assert.That(File.Exists(Path.Combine(run, stage + ".done.json")), Is.True, $"stage {stage} left no record");
            }

            string package = Path.Combine(run, "package");
            Assert.That(File.ReadAllText(Path.Combine(package, "MODEL_CARD.md")), Does.Contain("| LCM 4 steps, w 6.0 |"));

            // The held-out prompts are judged under the smoke config's 2 seeds each, in every row.
            using (JsonDocument eval = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval.json"))))
            {
                int heldOut = eval.RootElement.GetProperty("heldout_prompts").GetInt32();
                Assert.That(heldOut, Is.GreaterThan(0));
                foreach (JsonElement row in eval.RootElement.GetProperty("rows").EnumerateArray())
                {
                    Assert.That(row.GetProperty("heldout_images").GetInt32(), Is.EqualTo(2 * heldOut), row.GetProperty("method").GetString());
                }
            }

            ModelPackage loaded = ModelPackage.Load(package);
            Assert.That(File.Exists(loaded.Unet.ModelPath), Is.True, loaded.Unet.ModelPath);
            Assert.That(TestVectorManifest.Load(package).Cases, Has.Count.EqualTo(4));

            using var pipeline = LcmPipeline.Load(package, new LcmPipelineOptions { Inference = new() { IntraOpThreads = 1 } });
            byte[] a = pipeline.Generate(new GenerationRequest { Prompt = "mossy red brick wall", Seed = 3, Steps = 2 });
            byte[] b = pipeline.Generate(new GenerationRequest { Prompt = "mossy red brick wall", Seed = 3, Steps = 2 });
            Assert.That(a, Has.Length.EqualTo(128 * 128 * 4));
            Assert.That(b, Is.EqualTo(a), "same package, prompt, seed and steps must give the same texture");
        }
        finally
        {
            if (Directory.Exists(run))
            {
                Directory.Delete(run, recursive: true);
            }
        }
    }

    [Test]
    public void A_run_interrupted_inside_its_training_loops_resumes_to_the_uninterrupted_weights_and_keeps_its_time()
    {
        RequireTorch();
        RunUnitTests("tests/test_resume.py", SmokeLimit,
            "test_interrupted_loops_resume_to_the_uninterrupted_weights", "test_an_interrupted_stage_keeps_the_time_it_spent");
    }

    [Test]
    public void A_stage_run_again_with_only_reproduces_the_whole_runs_result()
    {
        RequireTorch();
        var (code, output) = RunPython(["-m", "unittest", "-v", "tests/test_only.py"], SmokeLimit);
        Assert.That(code, Is.EqualTo(0), output);
        // The export's tracer warnings can land between a test's name and its "ok": check both ends apart.
        Assert.That(output, Does.Contain("test_a_stage_run_again_reproduces_the_whole_runs_result"));
        Assert.That(output, Does.Contain("test_eval_rows_judged_in_worker_processes_equal_the_rows_judged_in_one"));
        Assert.That(output, Does.Match(@"Ran 2 tests in [0-9.]+s\s+OK"));
    }

    [Test]
    public void The_recipe_runs_on_an_optimised_blas_and_names_the_reference_one_as_slow()
    {
        RequireTorch();
        RunUnitTests("tests/test_blas.py", TimeSpan.FromMinutes(1),
            "test_this_process_runs_an_optimised_blas", "test_netlib_alone_is_the_reference");
    }

    [Test]
    public void The_procedural_data_is_seeded_tileable_and_draws_joints_an_8x_latent_keeps()
    {
        RequireTorch();
        RunUnitTests("tests/test_textures.py", TimeSpan.FromMinutes(1),
            "test_every_family_tiles", "test_the_tiling_check_finds_a_texture_that_does_not_tile",
            "test_brick_joints_are_at_least_three_pixels_wide", "test_same_spec_same_pixels_other_seed_other_pixels");
    }

    [Test]
    public void Package_eval_reads_every_png_filter_and_writes_one_raw_image_per_prompt_and_seed()
    {
        RequireTorch();
        RunUnitTests("tests/test_package_eval.py", TimeSpan.FromMinutes(1),
            "test_every_row_filter_decodes_to_the_pixels_written", "test_reads_back_what_the_recipe_writes",
            "test_a_file_that_is_not_a_png_is_refused_by_name", "test_one_raw_image_per_eval_prompt_and_seed",
            "test_a_missing_baked_image_names_the_file");
    }

    [Test]
    public void The_shipped_packages_weights_load_back_into_the_recipes_networks_exactly()
    {
        RequireTorch();
        RunUnitTests("tests/test_package_weights.py", TimeSpan.FromMinutes(2),
            "test_outputs_equal_the_packages_test_vectors", "test_the_loaded_networks_export_back_to_the_shipped_files",
            "test_a_missing_or_corrupt_part_is_an_error_naming_the_file", "test_a_package_of_other_networks_is_refused");
    }

    [Test]
    public void The_exported_graphs_are_inference_forms_of_the_trained_networks()
    {
        RequireTorch();
        RunUnitTests("tests/test_export_graph.py", TimeSpan.FromMinutes(1),
            "test_export_forms_compute_what_training_computes", "test_shipped_graphs_hold_the_export_forms_and_inferred_shapes");
    }

    [Test]
    public void The_recipes_png_reader_sees_the_pixels_that_bake_writes()
    {
        RequireTorch();
        const int width = 40, height = 24;
        var rgba = new byte[width * height * 4];
        var random = new Random(11);
        random.NextBytes(rgba);
        var rgb = new byte[width * height * 3];
        for (int i = 0, j = 0; i < rgba.Length; i += 4, j += 3)
        {
            rgba[i] = (byte)(rgba[i] / 4 + (i / 4 % width) * 4); // a ramp under the noise: the Paeth predictor varies
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }

        string path = Path.Combine(Path.GetTempPath(), "rtg-png-" + Guid.NewGuid().ToString("N") + ".png");
        try
        {
            using (var file = File.Create(path))
            {
                PngEncoder.Write(file, width, height, rgba);
            }

            var (code, output) = RunPython(["-c",
                "import sys, hashlib; from rtg_training.png import read_png; " +
                "a = read_png(sys.argv[1]); print(a.shape, hashlib.sha256(a.tobytes()).hexdigest())", path], TimeSpan.FromMinutes(1));
            Assert.That(code, Is.EqualTo(0), output);
            string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(rgb));
            Assert.That(output.Trim(), Is.EqualTo($"({height}, {width}, 3) {expected}"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Unknown_stage_fails_with_a_nonzero_exit_and_names_it()
    {
        RequireTorch();
        string run = Path.Combine(Path.GetTempPath(), "rtg-smoke-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output) = RunPython(["-m", "rtg_training", "--smoke", "--out", run, "--only", "nonsense"], TimeSpan.FromMinutes(1));
            Assert.That(code, Is.EqualTo(2), output);
            Assert.That(output, Does.Contain("nonsense"));
        }
        finally
        {
            if (Directory.Exists(run))
            {
                Directory.Delete(run, recursive: true);
            }
        }
    }

    /// <summary>Ignores the calling test, saying why, unless /usr/bin/python3 imports torch and onnx.</summary>
    internal static void RequireTorch()
    {
        if (!File.Exists(Python))
        {
            Assert.Ignore($"{Python} is missing: install python3-torch and python3-onnx (scripts/install-os-deps.sh --tests) to run the training recipe.");
        }

        var (code, output) = RunPython(["-c", "import torch, onnx"], TimeSpan.FromMinutes(1));
        if (code != 0)
        {
            Assert.Ignore("PyTorch or onnx is not importable by " + Python + " (install python3-torch python3-onnx): " + output.Trim());
        }
    }

    /// <summary>Runs one of the recipe's unittest files verbosely; it must exit 0 and report each named test "ok".</summary>
    private static void RunUnitTests(string file, TimeSpan limit, params string[] tests)
    {
        var (code, output) = RunPython(["-m", "unittest", "-v", file], limit);
        Assert.That(code, Is.EqualTo(0), output);
        foreach (string test in tests)
        {
            Assert.That(output, Does.Match(Regex.Escape(test) + @" \(.*\) \.\.\. ok"));
        }
    }

    private static (int Code, string Output) RunPython(IEnumerable<string> arguments, TimeSpan limit)
    {
        var start = new ProcessStartInfo(Python)
        {
            WorkingDirectory = Path.Combine(ShippedModel.RepositoryRoot, "Training"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Python} {string.Join(' ', start.ArgumentList)} ran past {limit.TotalMinutes} minutes.\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
