using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Scheduling;

namespace RealtimeGen.Plugin.Models;

/// <summary>
/// A validated model package folder in the diffusers/Optimum ONNX layout: <c>model_index.json</c>,
/// <c>scheduler/scheduler_config.json</c>, <c>tokenizer/vocab.json</c> + <c>merges.txt</c>, and
/// <c>text_encoder</c>, <c>unet</c>, <c>vae_decoder</c> (and optionally <c>vae_encoder</c>) folders each
/// holding <c>model.onnx</c> (plus <c>model.onnx_data</c> where weights are external) and <c>config.json</c>.
/// </summary>
/// <remarks>
/// Loading reads only the small JSON files and walks the ONNX files' structure; sessions are created by the
/// inference wrappers. The package is treated as untrusted: JSON is strict and bounded, and external-data
/// paths that leave the folder are refused. Immutable after <see cref="Load"/>; safe to share between threads.
/// </remarks>
public sealed class ModelPackage
{
    /// <summary>Folder name of the shipped default model below <c>Models/</c>.</summary>
    public const string DefaultModelName = "rtg-texture-lcm";

    /// <summary>VAE latent scaling of SD1.5-class models, used when the package does not say.</summary>
    public const double Sd15ScalingFactor = 0.18215;

    /// <summary>Guidance scale of diffusers' LCM pipeline, used when the package recommends none.</summary>
    public const double LcmDefaultGuidanceScale = 8.5;

    private const long MaxConfigBytes = 1 << 20;
    private const long MaxVocabularyBytes = 64L << 20;

    private ModelPackage(string directory)
    {
        Directory = directory;
    }

    /// <summary>Absolute path of the package folder.</summary>
    public string Directory { get; }

    /// <summary><c>_class_name</c> from <c>model_index.json</c>.</summary>
    public string PipelineClassName { get; private set; } = "";

    /// <summary>
    /// The guidance scale the package recommends (<c>_realtimegen.guidance_scale</c> in <c>model_index.json</c>;
    /// diffusers skips keys that start with an underscore), or null when it names none. Small distilled models
    /// over-shoot at SD's 8.5; the shipped model's recipe picks its scale by evaluation.
    /// </summary>
    public double? RecommendedGuidanceScale { get; private set; }

    /// <summary>
    /// How many leading text-encoder states the UNet reads (<c>_realtimegen.unet_text_tokens</c> in
    /// <c>model_index.json</c>), or null when it reads all of them. A package declares it only when its text encoder
    /// is causal, so encoding just those tokens gives the same states; the shipped model reads 16 of 77.
    /// </summary>
    public int? UnetTextTokens { get; private set; }

    /// <summary><see cref="RecommendedGuidanceScale"/>, else <see cref="LcmDefaultGuidanceScale"/>: what a request
    /// that names no guidance scale gets.</summary>
    public double DefaultGuidanceScale => RecommendedGuidanceScale ?? LcmDefaultGuidanceScale;

    /// <summary>The LCM scheduler configuration.</summary>
    public LcmSchedulerConfig Scheduler { get; private set; } = new();

    /// <summary>Path of <c>tokenizer/vocab.json</c>.</summary>
    public string VocabularyPath { get; private set; } = "";

    /// <summary>Path of <c>tokenizer/merges.txt</c>.</summary>
    public string MergesPath { get; private set; } = "";

    /// <summary>Token sequence length of the text encoder (<c>model_max_length</c>, 77 for CLIP).</summary>
    public int TokenizerMaxLength { get; private set; } = 77;

    /// <summary>The text encoder part.</summary>
    public ModelPart TextEncoder { get; private set; } = null!;

    /// <summary>The denoising UNet part.</summary>
    public ModelPart Unet { get; private set; } = null!;

    /// <summary>The VAE decoder part.</summary>
    public ModelPart VaeDecoder { get; private set; } = null!;

    /// <summary>The VAE encoder part, needed for img2img; null when the package has none.</summary>
    public ModelPart? VaeEncoder { get; private set; }

    /// <summary>Latent scaling factor of the VAE (<c>scaling_factor</c> in <c>vae_decoder/config.json</c>).</summary>
    public double VaeScalingFactor { get; private set; } = Sd15ScalingFactor;

    /// <summary>
    /// Width and height must be multiples of this: 8 (the VAE's cell) times 2 for every down-sampling of the UNet
    /// (<c>block_out_channels</c> in <c>unet/config.json</c>): 32 for the shipped model, 64 for SD1.5.
    /// </summary>
    public int SizeMultiple { get; private set; } = 8;

    /// <summary>Path of the model card (<c>MODEL_CARD.md</c> or <c>README.md</c>), or null.</summary>
    public string? ModelCardPath { get; private set; }

    /// <summary>Loads and validates the package in <paramref name="directory"/>.</summary>
    /// <exception cref="RealtimeGenException">A file is missing or not as expected; the message names it.</exception>
    public static ModelPackage Load(string directory, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        logger ??= NullLogger.Instance;
        string root = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(root))
        {
            throw new RealtimeGenException(
                $"Expected a model package folder at {root}; it does not exist. Pass --model DIR with a folder " +
                "in the diffusers ONNX layout, or restore Models/rtg-texture-lcm from the repository.");
        }

        var package = new ModelPackage(root);
        package.ReadModelIndex(logger);
        package.ReadScheduler(logger);
        package.ReadTokenizer();
        if (package.UnetTextTokens > package.TokenizerMaxLength)
        {
            throw new RealtimeGenException(
                $"{Path.Combine(root, "model_index.json")}: expected \"_realtimegen\".\"unet_text_tokens\" of at most " +
                $"{package.TokenizerMaxLength} (the tokenizer's model_max_length); found {package.UnetTextTokens}.");
        }

        package.TextEncoder = ReadPart(root, "text_encoder", required: true)!;
        package.Unet = ReadPart(root, "unet", required: true)!;
        package.VaeDecoder = ReadPart(root, "vae_decoder", required: true)!;
        package.VaeEncoder = ReadPart(root, "vae_encoder", required: false);
        package.ReadVaeConfig(logger);
        package.ReadUnetConfig();
        package.ModelCardPath = FirstExisting(Path.Combine(root, "MODEL_CARD.md"), Path.Combine(root, "README.md"));
        PluginLog.PackageLoaded(logger, root, package.PipelineClassName, package.VaeScalingFactor, package.VaeEncoder is not null);
        return package;
    }

    /// <summary>
    /// Finds <c>Models/rtg-texture-lcm</c> in <paramref name="startDirectory"/> or the nearest folder above
    /// it that has one; null when none does.
    /// </summary>
    public static string? FindDefault(string startDirectory)
    {
        for (DirectoryInfo? folder = new(Path.GetFullPath(startDirectory)); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, "Models", DefaultModelName);
            if (File.Exists(Path.Combine(candidate, "model_index.json")))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string? FirstExisting(params string[] paths)
    {
        foreach (string path in paths)
        {
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    private static ModelPart? ReadPart(string root, string name, bool required)
    {
        string folder = Path.Combine(root, name);
        string model = Path.Combine(folder, "model.onnx");
        if (!File.Exists(model))
        {
            if (!required)
            {
                return null;
            }

            throw new RealtimeGenException(
                $"Expected the {name} model at {model}; it does not exist. A package needs text_encoder/, unet/ " +
                "and vae_decoder/ folders with model.onnx each (export with Optimum's ONNX exporter).");
        }

        IReadOnlyList<string> external = OnnxExternalData.Validate(model, root);
        return new ModelPart(name, model, external);
    }

    private void ReadModelIndex(ILogger logger)
    {
        string path = Path.Combine(Directory, "model_index.json");
        using JsonDocument document = StrictJson.ReadObject(path, MaxConfigBytes);
        PipelineClassName = StrictJson.OptionalString(document.RootElement, "_class_name", path)
            ?? throw new RealtimeGenException(
                $"{path}: expected a \"_class_name\" string (e.g. \"LatentConsistencyModelPipeline\"); it is missing.");
        if (!PipelineClassName.Contains("LatentConsistency", StringComparison.Ordinal))
        {
            PluginLog.PackageWarning(
                logger, path, $"names pipeline {PipelineClassName}; it is run as a latent consistency model");
        }

        if (document.RootElement.TryGetProperty("_realtimegen", out JsonElement ours) && ours.ValueKind != JsonValueKind.Null)
        {
            if (ours.ValueKind != JsonValueKind.Object)
            {
                throw StrictJson.Mismatch(path, "_realtimegen", "an object", ours);
            }

            double guidance = StrictJson.OptionalDouble(ours, "guidance_scale", double.NaN, path);
            if (!double.IsNaN(guidance))
            {
                RecommendedGuidanceScale = guidance is >= 0 and <= 100
                    ? guidance
                    : throw new RealtimeGenException(
                        $"{path}: expected \"_realtimegen\".\"guidance_scale\" between 0 and 100; found {guidance}.");
            }

            int tokens = StrictJson.OptionalInt(ours, "unet_text_tokens", int.MinValue, path);
            if (tokens != int.MinValue)
            {
                UnetTextTokens = tokens >= 1
                    ? tokens
                    : throw new RealtimeGenException(
                        $"{path}: expected \"_realtimegen\".\"unet_text_tokens\" of at least 1; found {tokens}.");
            }
        }
    }

    private void ReadScheduler(ILogger logger)
    {
        string path = Path.Combine(Directory, "scheduler", "scheduler_config.json");
        using JsonDocument document = StrictJson.ReadObject(path, MaxConfigBytes);
        JsonElement c = document.RootElement;
        string? className = StrictJson.OptionalString(c, "_class_name", path);
        if (className != "LCMScheduler")
        {
            PluginLog.PackageWarning(
                logger, path, $"names scheduler {className}; the LCM scheduler is used with its noise schedule");
        }

        if (StrictJson.OptionalBool(c, "thresholding", false, path))
        {
            throw new RealtimeGenException(
                $"{path}: expected \"thresholding\": false (dynamic thresholding is for pixel-space models); " +
                "found true. Set it to false.");
        }

        string prediction = StrictJson.OptionalString(c, "prediction_type", path) ?? "epsilon";
        var config = new LcmSchedulerConfig
        {
            NumTrainTimesteps = StrictJson.OptionalInt(c, "num_train_timesteps", 1000, path),
            BetaStart = StrictJson.OptionalDouble(c, "beta_start", 0.00085, path),
            BetaEnd = StrictJson.OptionalDouble(c, "beta_end", 0.012, path),
            BetaSchedule = StrictJson.OptionalString(c, "beta_schedule", path) ?? "scaled_linear",
            OriginalInferenceSteps = StrictJson.OptionalInt(c, "original_inference_steps", 50, path),
            TimestepScaling = StrictJson.OptionalDouble(c, "timestep_scaling", 10.0, path),
            SetAlphaToOne = StrictJson.OptionalBool(c, "set_alpha_to_one", true, path),
            ClipSample = StrictJson.OptionalBool(c, "clip_sample", false, path),
            ClipSampleRange = StrictJson.OptionalDouble(c, "clip_sample_range", 1.0, path),
            RescaleBetasZeroSnr = StrictJson.OptionalBool(c, "rescale_betas_zero_snr", false, path),
            PredictionType = prediction switch
            {
                "epsilon" => PredictionType.Epsilon,
                "v_prediction" => PredictionType.VPrediction,
                "sample" => PredictionType.Sample,
                _ => throw new RealtimeGenException(
                    $"{path}: expected \"prediction_type\" \"epsilon\", \"v_prediction\" or \"sample\"; found " +
                    $"\"{prediction}\"."),
            },
        };
        int offset = StrictJson.OptionalInt(c, "steps_offset", 1, path);
        string spacing = StrictJson.OptionalString(c, "timestep_spacing", path) ?? "leading";
        if (offset < 0 || spacing != "leading")
        {
            PluginLog.PackageWarning(
                logger, path, $"timestep_spacing {spacing} / steps_offset {offset} do not change LCM's schedule; ignored");
        }

        if (config.NumTrainTimesteps is < 2 or > 100_000 || config.OriginalInferenceSteps < 1
            || config.OriginalInferenceSteps > config.NumTrainTimesteps)
        {
            throw new RealtimeGenException(
                $"{path}: expected 2 ≤ num_train_timesteps ≤ 100000 and 1 ≤ original_inference_steps ≤ " +
                $"num_train_timesteps; found {config.NumTrainTimesteps} and {config.OriginalInferenceSteps}.");
        }

        Scheduler = config;
    }

    private void ReadTokenizer()
    {
        string folder = Path.Combine(Directory, "tokenizer");
        VocabularyPath = Path.Combine(folder, "vocab.json");
        MergesPath = Path.Combine(folder, "merges.txt");
        foreach (string path in new[] { VocabularyPath, MergesPath })
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new RealtimeGenException(
                    $"Expected the CLIP tokenizer file {path}; it does not exist. Packages carry tokenizer/vocab.json " +
                    "and tokenizer/merges.txt as exported by diffusers/Optimum.");
            }

            if (info.Length > MaxVocabularyBytes)
            {
                throw new RealtimeGenException(
                    $"{path}: expected at most {MaxVocabularyBytes} bytes; found {info.Length}.");
            }
        }

        string configPath = Path.Combine(folder, "tokenizer_config.json");
        if (File.Exists(configPath))
        {
            using JsonDocument document = StrictJson.ReadObject(configPath, MaxConfigBytes);
            int length = StrictJson.OptionalInt(document.RootElement, "model_max_length", 77, configPath);

            // Some exports write a huge sentinel for "unbounded"; CLIP text encoders are 77 long.
            TokenizerMaxLength = length is >= 2 and <= 4096 ? length : 77;
        }
    }

    private void ReadUnetConfig()
    {
        string path = Path.Combine(Directory, "unet", "config.json");
        if (!File.Exists(path))
        {
            return;
        }

        using JsonDocument document = StrictJson.ReadObject(path, MaxConfigBytes);
        if (!document.RootElement.TryGetProperty("block_out_channels", out JsonElement blocks))
        {
            return;
        }

        int levels = blocks.ValueKind == JsonValueKind.Array ? blocks.GetArrayLength() : 0;
        if (levels is < 1 or > 8)
        {
            throw new RealtimeGenException($"{path}: expected \"block_out_channels\" as an array of 1 to 8 widths; found {blocks.GetRawText()}.");
        }

        SizeMultiple = 8 << (levels - 1);
    }

    private void ReadVaeConfig(ILogger logger)
    {
        string path = Path.Combine(Directory, "vae_decoder", "config.json");
        if (!File.Exists(path))
        {
            PluginLog.PackageWarning(logger, path, $"missing; assuming the SD1.5 VAE scaling factor {Sd15ScalingFactor}");
            return;
        }

        using JsonDocument document = StrictJson.ReadObject(path, MaxConfigBytes);
        double scaling = StrictJson.OptionalDouble(document.RootElement, "scaling_factor", Sd15ScalingFactor, path);
        if (scaling is <= 0 or > 100)
        {
            throw new RealtimeGenException(
                $"{path}: expected a \"scaling_factor\" above 0 and at most 100 (0.18215 for SD1.5, 0.13025 for SDXL-class VAEs); " +
                $"found {scaling}.");
        }

        VaeScalingFactor = scaling;
    }
}
