using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Models;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Scheduling;

namespace RealtimeGen.Tests.Plugin.Models;

public class ModelPackageTests
{
    private readonly List<string> _temp = [];

    [TearDown]
    public void RemoveCopies()
    {
        foreach (string folder in _temp)
        {
            Directory.Delete(folder, recursive: true);
        }

        _temp.Clear();
    }

    [Test]
    public void The_shipped_package_loads_with_its_configs()
    {
        ModelPackage package = ModelPackage.Load(ShippedModel.Directory);
        using JsonDocument vae = JsonDocument.Parse(File.ReadAllText(Path.Combine(ShippedModel.Directory, "vae_decoder", "config.json")));
        Assert.That(package.VaeScalingFactor, Is.EqualTo(vae.RootElement.GetProperty("scaling_factor").GetDouble()));
        Assert.That(package.PipelineClassName, Is.EqualTo("LatentConsistencyModelPipeline"));
        Assert.That(package.Scheduler.OriginalInferenceSteps, Is.EqualTo(50));
        using JsonDocument scheduler = JsonDocument.Parse(File.ReadAllText(Path.Combine(ShippedModel.Directory, "scheduler", "scheduler_config.json")));
        string declared = scheduler.RootElement.GetProperty("prediction_type").GetString()!;
        Assert.That(package.Scheduler.PredictionType, Is.EqualTo(declared == "v_prediction" ? PredictionType.VPrediction : PredictionType.Epsilon));
        Assert.That(package.TokenizerMaxLength, Is.EqualTo(77));
        Assert.That(File.Exists(package.Unet.ModelPath), Is.True);
        Assert.That(package.VaeEncoder, Is.Not.Null);
    }

    [Test]
    public void The_default_package_is_found_by_walking_up() =>
        Assert.That(ModelPackage.FindDefault(AppContext.BaseDirectory), Is.EqualTo(ShippedModel.Directory));

    [Test]
    public void A_missing_folder_is_named_in_the_error()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-package-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<RealtimeGenException>(() => ModelPackage.Load(missing));
        Assert.That(e!.Message, Does.Contain(missing).And.Contain("does not exist"));
    }

    [Test]
    public void A_missing_part_is_named_in_the_error()
    {
        string copy = Copy();
        File.Delete(Path.Combine(copy, "unet", "model.onnx"));
        var e = Assert.Throws<RealtimeGenException>(() => ModelPackage.Load(copy));
        Assert.That(e!.Message, Does.Contain(Path.Combine(copy, "unet", "model.onnx")));
    }

    [Test]
    public void A_garbage_onnx_file_is_a_clear_error()
    {
        string copy = Copy();
        string model = Path.Combine(copy, "vae_decoder", "model.onnx");
        File.WriteAllText(model, "this is not a protobuf model, just text that happens to be here");
        var e = Assert.Throws<RealtimeGenException>(() => LcmPipeline.Load(copy).Dispose());
        Assert.That(e!.Message, Does.Contain(model));
    }

    [Test]
    public void A_truncated_onnx_file_is_a_clear_error()
    {
        string copy = Copy();
        string model = Path.Combine(copy, "unet", "model.onnx");
        byte[] bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        var e = Assert.Throws<RealtimeGenException>(() => LcmPipeline.Load(copy).Dispose());
        Assert.That(e!.Message, Does.Contain(model));
    }

    [Test]
    public void A_part_with_the_wrong_signature_is_refused_with_what_it_has()
    {
        string copy = Copy();
        File.Copy(Path.Combine(copy, "vae_decoder", "model.onnx"), Path.Combine(copy, "unet", "model.onnx"), overwrite: true);
        var e = Assert.Throws<RealtimeGenException>(() => LcmPipeline.Load(copy).Dispose());
        Assert.That(e!.Message, Does.Contain("\"sample\"").And.Contain("latent_sample"));
    }

    [Test]
    public void External_data_outside_the_package_is_refused()
    {
        string copy = Copy();
        string model = Path.Combine(copy, "unet", "model.onnx");
        File.WriteAllBytes(model, ModelWithExternalData("../../outside.bin"));
        var e = Assert.Throws<RealtimeGenException>(() => ModelPackage.Load(copy));
        Assert.That(e!.Message, Does.Contain("../../outside.bin").And.Contain("inside the package"));
    }

    [Test]
    public void External_data_inside_the_package_is_listed()
    {
        string copy = Copy();
        string model = Path.Combine(copy, "unet", "model.onnx");
        File.WriteAllBytes(model, ModelWithExternalData("model.onnx_data"));
        File.WriteAllBytes(Path.Combine(copy, "unet", "model.onnx_data"), new byte[16]);
        ModelPackage package = ModelPackage.Load(copy);
        Assert.That(package.Unet.ExternalDataFiles, Is.EqualTo(new[] { Path.Combine(copy, "unet", "model.onnx_data") }));
    }

    [TestCase("{\"num_train_timesteps\": 1000,}", "strict JSON")]
    [TestCase("{\"num_train_timesteps\": 1000, \"num_train_timesteps\": 10}", "more than once")]
    [TestCase("{/* comment */ \"num_train_timesteps\": 1000}", "strict JSON")]
    [TestCase("{\"num_train_timesteps\": \"1000\"}", "an integer")]
    [TestCase("{\"prediction_type\": \"flow\"}", "prediction_type")]
    [TestCase("[1, 2]", "JSON object")]
    public void Scheduler_config_is_parsed_strictly(string json, string expected)
    {
        string copy = Copy();
        string path = Path.Combine(copy, "scheduler", "scheduler_config.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<RealtimeGenException>(() => ModelPackage.Load(copy));
        Assert.That(e!.Message, Does.Contain(path).And.Contain(expected));
    }

    [Test]
    public void A_non_positive_scaling_factor_is_refused()
    {
        string copy = Copy();
        File.WriteAllText(Path.Combine(copy, "vae_decoder", "config.json"), "{\"scaling_factor\": 0}");
        var e = Assert.Throws<RealtimeGenException>(() => ModelPackage.Load(copy));
        Assert.That(e!.Message, Does.Contain("scaling_factor"));
    }

    [Test]
    public void The_recommended_guidance_scale_comes_from_model_index()
    {
        string copy = Copy();
        WriteOurs(copy, new JsonObject { ["guidance_scale"] = 3.25 });
        ModelPackage package = ModelPackage.Load(copy);
        Assert.That(package.RecommendedGuidanceScale, Is.EqualTo(3.25));
        Assert.That(package.DefaultGuidanceScale, Is.EqualTo(3.25));
    }

    [Test]
    public void Without_a_recommendation_the_LCM_default_applies()
    {
        string copy = Copy();
        WriteOurs(copy, null);
        ModelPackage package = ModelPackage.Load(copy);
        Assert.That(package.RecommendedGuidanceScale, Is.Null);
        Assert.That(package.DefaultGuidanceScale, Is.EqualTo(8.5));
    }

    [TestCase("3", "an object")]
    [TestCase("{\"guidance_scale\": \"3\"}", "a finite number")]
    [TestCase("{\"guidance_scale\": 150}", "between 0 and 100")]
    [TestCase("{\"guidance_scale\": -1}", "between 0 and 100")]
    [TestCase("{\"unet_text_tokens\": 0}", "of at least 1; found 0")]
    [TestCase("{\"unet_text_tokens\": 78}", "of at most 77 (the tokenizer's model_max_length); found 78")]
    [TestCase("{\"unet_text_tokens\": 16.5}", "an integer")]
    [TestCase("{\"unet_text_tokens\": \"16\"}", "an integer")]
    public void A_bad_realtimegen_entry_is_refused(string ours, string expected)
    {
        string copy = Copy();
        WriteOurs(copy, JsonNode.Parse(ours));
        var e = Assert.Throws<RealtimeGenException>(() => ModelPackage.Load(copy));
        Assert.That(e!.Message, Does.Contain(Path.Combine(copy, "model_index.json")).And.Contain(expected));
    }

    [Test]
    public void The_shipped_package_declares_that_its_UNet_reads_16_text_states()
    {
        Assert.That(ModelPackage.Load(ShippedModel.Directory).UnetTextTokens, Is.EqualTo(16));
        string copy = Copy();
        WriteOurs(copy, new JsonObject { ["guidance_scale"] = 1.5 });
        Assert.That(ModelPackage.Load(copy).UnetTextTokens, Is.Null);
    }

    /// <summary>Sets (or with null removes) <c>_realtimegen</c> in the copy's <c>model_index.json</c>.</summary>
    internal static void WriteOurs(string package, JsonNode? ours)
    {
        string path = Path.Combine(package, "model_index.json");
        JsonObject index = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        index.Remove("_realtimegen");
        if (ours is not null)
        {
            index["_realtimegen"] = ours;
        }

        File.WriteAllText(path, index.ToJsonString());
    }

    private string Copy()
    {
        string copy = ShippedModel.CopyToTemp();
        _temp.Add(copy);
        return copy;
    }

    // A minimal ModelProto: graph (7) → initializer (5) → TensorProto with data_location (14) = EXTERNAL and
    // external_data (13) {key "location", value}. Written by hand so that no Python is needed in tests.
    private static byte[] ModelWithExternalData(string location)
    {
        byte[] entry = [.. Field(1, Encoding.UTF8.GetBytes("location")), .. Field(2, Encoding.UTF8.GetBytes(location))];
        byte[] tensor = [.. Field(8, "w"u8.ToArray()), .. Field(13, entry), 14 << 3, 1];
        byte[] graph = Field(5, tensor);
        return [8, 8, .. Field(7, graph)];
    }

    private static byte[] Field(int number, byte[] payload)
    {
        var bytes = new List<byte> { (byte)((number << 3) | 2) };
        int length = payload.Length;
        while (length >= 0x80)
        {
            bytes.Add((byte)(length | 0x80));
            length >>= 7;
        }

        bytes.Add((byte)length);
        bytes.AddRange(payload);
        return [.. bytes];
    }
}
