using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Models;

namespace RealtimeGen.Plugin.Inference;

/// <summary>
/// The VAE encoder: <c>sample</c> [B,3,H,W] in [−1, 1] → the unscaled latent mean [B,C,H/8,W/8], from either
/// a <c>latent_sample</c> output or the first half of <c>latent_parameters</c> (mean ‖ log-variance).
/// </summary>
/// <remarks>Not thread-safe (see <see cref="OnnxModel"/>).</remarks>
public sealed class VaeEncoder : OnnxModel
{
    private readonly TensorSignature _image;
    private readonly TensorSignature _latent;
    private readonly bool _hasLogVariance;

    /// <summary>Opens the session and checks its signature.</summary>
    public VaeEncoder(ModelPart part, SessionFactory factory, int latentChannels)
        : base(part, factory)
    {
        try
        {
            _image = Signature.RequireInput("sample");
            RequireRank(_image, 4, "[batch, 3, height, width]");
            _latent = Signature.FindOutput("latent_sample") ?? Signature.FindOutput("latent_parameters")
                ?? throw new RealtimeGenException(
                    $"{part.ModelPath}: expected an output latent_sample or latent_parameters; the model has " +
                    $"{PartSignature.Describe(Signature.Outputs)}.");
            RequireRank(_latent, 4, "[batch, channels, height, width]");
            _hasLogVariance = _latent.Name == "latent_parameters";
            LatentChannels = latentChannels;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Latent channels C of the mean.</summary>
    public int LatentChannels { get; }

    /// <summary>Encodes B images of H×W (multiples of 8) into B·C·(H/8)·(W/8) latent means.</summary>
    public void Encode(ReadOnlySpan<float> image, int batch, int height, int width, Span<float> destination, RunOptions? runOptions = null)
    {
        int h = height / VaeDecoder.Factor;
        int w = width / VaeDecoder.Factor;
        int channels = _hasLogVariance ? 2 * LatentChannels : LatentChannels;
        SessionBinding binding = GetBinding((batch, height, width), () =>
        {
            var input = new BoundTensor(_image, [batch, 3, height, width], false, Part.ModelPath);
            try
            {
                var output = new BoundTensor(_latent, [batch, channels, h, w], false, Part.ModelPath);
                return new SessionBinding(Session, [input], [output]);
            }
            catch
            {
                input.Dispose();
                throw;
            }
        });
        image.CopyTo(binding.Input(0).Floats);
        binding.Run(runOptions ?? DefaultRunOptions);
        ReadOnlySpan<float> result = binding.Output(0).Floats;
        int plane = LatentChannels * h * w;
        for (int b = 0; b < batch; b++)
        {
            result.Slice(b * channels * h * w, plane).CopyTo(destination.Slice(b * plane, plane));
        }
    }
}
