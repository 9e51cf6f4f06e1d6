using System.Globalization;
using Microsoft.Extensions.Logging;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Models;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Samples.Cli;

/// <summary><c>realtimegen info</c>: model card summary, I/O signatures and available providers.</summary>
public static class InfoCommand
{
    private const string Help = """
        Usage: realtimegen info [options]

        Prints the model card summary, the scheduler and VAE settings, each part's input/output signature as its
        ONNX session reports it, and the execution providers of the installed ONNX Runtime.

        Options:
          --model DIR         model package folder (default: Models/rtg-texture-lcm above the executable)
          --provider NAME     auto, cpu, cuda or directml (default auto)
          --threads N         intra-op threads (default 1)
          --verbose           log provider choice
          --help              this text

        Exit codes: 0 ok, 1 runtime failure, 2 usage error.
        """;

    /// <summary>Runs the command; see <see cref="ExitCode"/>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (CommandLine.ParseCommand("info", args, CliApp.CommonValued, CliApp.CommonFlags, Help, output, null) is not { } line)
        {
            return ExitCode.Ok;
        }

        using ILoggerFactory logging = CliApp.Logging(line);
        using LcmPipeline pipeline = CliApp.OpenPipeline(line, logging.CreateLogger("realtimegen"), 1);
        ModelPackage package = pipeline.Package;
        var o = output;
        o.WriteLine($"Model:      {package.Directory}");
        o.WriteLine($"Pipeline:   {package.PipelineClassName}");
        if (package.ModelCardPath is { } card)
        {
            o.WriteLine($"Model card: {card}");
            foreach (string summaryLine in CardSummary(card))
            {
                o.WriteLine($"  {summaryLine}");
            }
        }
        else
        {
            o.WriteLine("Model card: none (MODEL_CARD.md or README.md)");
        }

        var s = package.Scheduler;
        o.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Scheduler:  LCM, {s.NumTrainTimesteps} training steps, {s.OriginalInferenceSteps} original steps, {s.BetaSchedule} β {s.BetaStart}–{s.BetaEnd}, {s.PredictionType}, timestep scaling {s.TimestepScaling}"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"VAE:        scaling factor {package.VaeScalingFactor}, {pipeline.Unet.LatentChannels} latent channels, img2img {(pipeline.VaeEncoder is null ? "unavailable (no vae_encoder)" : "available")}"));
        string encoded = pipeline.EncodedTokens < pipeline.Tokenizer.MaxLength
            ? $" (the UNet reads the first {pipeline.EncodedTokens}; only those are encoded)"
            : "";
        o.WriteLine($"Tokenizer:  CLIP BPE, {pipeline.Tokenizer.MaxLength} tokens{encoded}, text hidden size {pipeline.TextEncoder.HiddenSize}");
        string scale = string.Create(
            CultureInfo.InvariantCulture,
            $"default w {package.DefaultGuidanceScale} ({(package.RecommendedGuidanceScale is null ? "LCM's; the package names none" : "the package's own")})");
        o.WriteLine(pipeline.Unet.HasGuidanceEmbedding
            ? $"Guidance:   embedded (timestep_cond, {pipeline.Unet.GuidanceEmbeddingWidth} values), {scale}; negative prompts unused"
            : $"Guidance:   classifier-free with a negative prompt (no timestep_cond), {scale}");
        o.WriteLine("Parts:");
        foreach (OnnxModel? model in new OnnxModel?[] { pipeline.TextEncoder, pipeline.Unet, pipeline.VaeDecoder, pipeline.VaeEncoder })
        {
            if (model is null)
            {
                continue;
            }

            long bytes = new FileInfo(model.Part.ModelPath).Length;
            foreach (string external in model.Part.ExternalDataFiles)
            {
                bytes += new FileInfo(external).Length;
            }

            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {model.Part.Name} ({bytes / 1048576.0:F1} MiB, {model.Provider})"));
            o.WriteLine($"    in:  {PartSignature.Describe(model.Signature.Inputs)}");
            o.WriteLine($"    out: {PartSignature.Describe(model.Signature.Outputs)}");
        }

        IReadOnlyList<ExecutionProvider> available = SessionFactory.AvailableProviders();
        o.WriteLine($"Providers:  available {string.Join(", ", available)}");
        if (!available.Contains(ExecutionProvider.Cuda))
        {
            o.WriteLine("            CUDA needs the package Microsoft.ML.OnnxRuntime.Gpu");
        }

        if (!available.Contains(ExecutionProvider.DirectML))
        {
            o.WriteLine("            DirectML needs the package Microsoft.ML.OnnxRuntime.DirectML (Windows)");
        }

        return ExitCode.Ok;
    }

    // The title, the first paragraph and the first table of the card: enough to say what the model is and how good.
    private static List<string> CardSummary(string path)
    {
        var summary = new List<string>();
        bool paragraphDone = false;
        bool inParagraph = false;
        bool inTable = false;
        bool tableDone = false;
        foreach (string raw in File.ReadLines(path).Take(400))
        {
            string line = raw.TrimEnd();
            if (summary.Count == 0 && line.StartsWith('#'))
            {
                summary.Add(line.TrimStart('#', ' '));
                continue;
            }

            if (!paragraphDone && line.Length > 0 && !line.StartsWith('#') && !line.StartsWith('|'))
            {
                inParagraph = true;
                summary.Add(line);
                continue;
            }

            if (inParagraph && line.Length == 0)
            {
                paragraphDone = true;
                inParagraph = false;
            }

            if (!tableDone && line.StartsWith('|'))
            {
                inTable = true;
                summary.Add(line);
            }
            else if (inTable)
            {
                tableDone = true;
                inTable = false;
            }

            if (summary.Count > 30 || (paragraphDone && tableDone))
            {
                break;
            }
        }

        return summary;
    }
}
