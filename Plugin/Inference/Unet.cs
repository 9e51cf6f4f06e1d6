using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Models;

namespace RealtimeGen.Plugin.Inference;

/// <summary>
/// The denoising UNet: <c>sample</c> [B,C,h,w], <c>timestep</c> (int64 [B], or float32/float16 scalar or [1]),
/// <c>encoder_hidden_states</c> [B,L,D], and on LCM-distilled models <c>timestep_cond</c> [B,256] → the first
/// output (<c>out_sample</c>) [B,C,h,w].
/// </summary>
/// <remarks>Not thread-safe (see <see cref="OnnxModel"/>).</remarks>
public sealed class Unet : OnnxModel
{
    private readonly TensorSignature _sample;
    private readonly TensorSignature _timestep;
    private readonly TensorSignature _hidden;
    private readonly TensorSignature? _cond;
    private readonly TensorSignature _output;

    /// <summary>Opens the session and checks its signature.</summary>
    public Unet(ModelPart part, SessionFactory factory)
        : base(part, factory)
    {
        try
        {
            _sample = Signature.RequireInput("sample");
            RequireRank(_sample, 4, "[batch, channels, height, width]");
            _timestep = Signature.RequireInput("timestep");
            if (_timestep.Rank > 1)
            {
                RequireRank(_timestep, 1, "[batch] or a scalar");
            }

            _hidden = Signature.RequireInput("encoder_hidden_states");
            RequireRank(_hidden, 3, "[batch, tokens, hidden]");
            _cond = Signature.FindInput("timestep_cond");
            if (_cond is not null)
            {
                RequireRank(_cond, 2, "[batch, embedding]");
                if (_cond.Dimensions[1] <= 0)
                {
                    throw new RealtimeGenException(
                        $"{part.ModelPath}: expected a fixed width for timestep_cond (256 for LCM); found {_cond}.");
                }
            }

            _output = OutputOrFirst("out_sample");
            RequireRank(_output, 4, "[batch, channels, height, width]");
            LatentChannels = _sample.Dimensions[1] > 0 ? (int)_sample.Dimensions[1] : 4;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Latent channels C (4 for SD-class VAEs).</summary>
    public int LatentChannels { get; }

    /// <summary>True when the UNet takes the guidance embedding as <c>timestep_cond</c> (LCM-distilled);
    /// otherwise guidance is classifier-free with a negative prompt.</summary>
    public bool HasGuidanceEmbedding => _cond is not null;

    /// <summary>Width of <c>timestep_cond</c>, 0 without one.</summary>
    public int GuidanceEmbeddingWidth => _cond is null ? 0 : (int)_cond.Dimensions[1];

    /// <summary>Text hidden size D the UNet expects, or −1 when its axis is dynamic.</summary>
    public int HiddenSize => (int)_hidden.Dimensions[2];

    /// <summary>One UNet evaluation.</summary>
    /// <param name="sample">B·C·h·w latents.</param>
    /// <param name="batch">B.</param>
    /// <param name="height">Latent height h.</param>
    /// <param name="width">Latent width w.</param>
    /// <param name="timestep">The integer timestep shared by the batch.</param>
    /// <param name="encoderHiddenStates">B·L·D text embeddings.</param>
    /// <param name="sequenceLength">L.</param>
    /// <param name="guidanceEmbedding">B·width values, or empty without <see cref="HasGuidanceEmbedding"/>.</param>
    /// <param name="destination">Receives B·C·h·w predictions.</param>
    /// <param name="runOptions">Carries cancellation; null uses a private instance.</param>
    public void Predict(
        ReadOnlySpan<float> sample,
        int batch,
        int height,
        int width,
        int timestep,
        ReadOnlySpan<float> encoderHiddenStates,
        int sequenceLength,
        ReadOnlySpan<float> guidanceEmbedding,
        Span<float> destination,
        RunOptions? runOptions = null)
    {
        int hidden = encoderHiddenStates.Length / Math.Max(1, batch * sequenceLength);
        SessionBinding binding = Bind(batch, height, width, sequenceLength, hidden);
        sample.CopyTo(binding.Input(0).Floats);
        binding.Input(1).Integers.Fill(timestep);
        encoderHiddenStates.CopyTo(binding.Input(2).Floats);
        if (_cond is not null)
        {
            guidanceEmbedding.CopyTo(binding.Input(3).Floats);
        }

        binding.Run(runOptions ?? DefaultRunOptions);
        binding.Output(0).Floats.CopyTo(destination);
    }

    /// <summary>The preallocated binding for a shape; inputs sample, timestep, hidden states, [cond]; output 0.</summary>
    internal SessionBinding Bind(int batch, int height, int width, int sequenceLength, int hidden) =>
        GetBinding((batch, (height << 16) | width, (sequenceLength << 16) | hidden), () =>
        {
            var inputs = new List<BoundTensor>(4);
            var outputs = new List<BoundTensor>(1);
            try
            {
                inputs.Add(new BoundTensor(_sample, [batch, LatentChannels, height, width], false, Part.ModelPath));
                long[] timestepShape = _timestep.Rank == 0 ? [] : _timestep.Dimensions[0] == 1 ? [1] : [batch];
                inputs.Add(new BoundTensor(_timestep, timestepShape, true, Part.ModelPath));
                inputs.Add(new BoundTensor(_hidden, [batch, sequenceLength, hidden], false, Part.ModelPath));
                if (_cond is not null)
                {
                    inputs.Add(new BoundTensor(_cond, [batch, _cond.Dimensions[1]], false, Part.ModelPath));
                }

                outputs.Add(new BoundTensor(_output, [batch, LatentChannels, height, width], false, Part.ModelPath));
                return new SessionBinding(Session, [.. inputs], [.. outputs]);
            }
            catch
            {
                foreach (BoundTensor tensor in inputs)
                {
                    tensor.Dispose();
                }

                foreach (BoundTensor tensor in outputs)
                {
                    tensor.Dispose();
                }

                throw;
            }
        });
}
