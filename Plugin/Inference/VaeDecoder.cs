using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Plugin.Models;

namespace RealtimeGen.Plugin.Inference;

/// <summary>The VAE decoder: <c>latent_sample</c> [B,C,h,w] (already divided by the scaling factor) →
/// <c>sample</c> [B,3,8h,8w] in [−1, 1].</summary>
/// <remarks>Not thread-safe (see <see cref="OnnxModel"/>).</remarks>
public sealed class VaeDecoder : OnnxModel
{
    private readonly TensorSignature _latent;
    private readonly TensorSignature _image;

    /// <summary>Opens the session and checks its signature.</summary>
    public VaeDecoder(ModelPart part, SessionFactory factory)
        : base(part, factory)
    {
        try
        {
            _latent = Signature.RequireInput("latent_sample");
            RequireRank(_latent, 4, "[batch, channels, height, width]");
            _image = OutputOrFirst("sample");
            RequireRank(_image, 4, "[batch, 3, height, width]");
            LatentChannels = _latent.Dimensions[1] > 0 ? (int)_latent.Dimensions[1] : 4;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Pixels per latent cell along each axis.</summary>
    public const int Factor = 8;

    /// <summary>Latent channels C.</summary>
    public int LatentChannels { get; }

    /// <summary>Decodes B latents of h×w into B·3·8h·8w floats in [−1, 1], planar RGB.</summary>
    public void Decode(ReadOnlySpan<float> latents, int batch, int height, int width, Span<float> destination, RunOptions? runOptions = null)
    {
        SessionBinding binding = Bind(batch, height, width);
        latents.CopyTo(binding.Input(0).Floats);
        binding.Run(runOptions ?? DefaultRunOptions);
        binding.Output(0).Floats.CopyTo(destination);
    }

    /// <summary>The preallocated binding for a shape: input 0 latents, output 0 image.</summary>
    internal SessionBinding Bind(int batch, int height, int width) =>
        GetBinding((batch, height, width), () =>
        {
            var latent = new BoundTensor(_latent, [batch, LatentChannels, height, width], false, Part.ModelPath);
            try
            {
                var image = new BoundTensor(_image, [batch, 3, height * Factor, width * Factor], false, Part.ModelPath);
                return new SessionBinding(Session, [latent], [image]);
            }
            catch
            {
                latent.Dispose();
                throw;
            }
        });
}
