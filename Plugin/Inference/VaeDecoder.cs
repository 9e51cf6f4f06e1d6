using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RealtimeGen.Engine;
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

    /// <summary>
    /// The decoder bound to write the image of <paramref name="shape"/>'s latents into <paramref name="destination"/>
    /// (planar float RGB [batch, 3, 8h, 8w]), after checking the value against the session's output.
    /// </summary>
    /// <exception cref="RealtimeGenException">The value is not a float32 tensor of that shape, or the model's output is not float32.</exception>
    internal PlanarDecodeBinding BindPlanar(SessionBinding shape, int batch, int height, int width, OrtValue destination)
    {
        CheckPlanarOutput(destination, batch, height * Factor, width * Factor);
        return new PlanarDecodeBinding(Session, shape.Input(0), _image.Name, destination);
    }

    /// <summary>Throws unless <paramref name="destination"/> can take the decoder's <c>sample</c> output for a
    /// <paramref name="batch"/>×<paramref name="height"/>×<paramref name="width"/> image.</summary>
    /// <exception cref="RealtimeGenException">Says which of element type, rank or size is wrong, and what was expected.</exception>
    public void CheckPlanarOutput(OrtValue destination, int batch, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (_image.ElementType != TensorElementType.Float)
        {
            throw new RealtimeGenException(
                $"{Part.ModelPath}: the decoder's output is {_image}; decoding into a caller's planar output needs float32 " +
                "(re-export the decoder with a float32 output, or use the RGBA8 path, which converts).");
        }

        if (!destination.IsTensor)
        {
            throw new RealtimeGenException(
                $"Expected a float32 tensor [{batch},3,{height},{width}] for the decoder's \"{_image.Name}\" output; found a {destination.OnnxType} value.");
        }

        OrtTensorTypeAndShapeInfo info = destination.GetTensorTypeAndShape();
        long[] found = info.Shape;
        long[] expected = [batch, 3, height, width];
        if (info.ElementDataType != TensorElementType.Float || !found.AsSpan().SequenceEqual(expected))
        {
            throw new RealtimeGenException(
                $"Expected a float32 tensor [{string.Join(',', expected)}] (batch, RGB planes, height, width) for the decoder's " +
                $"\"{_image.Name}\" output of {Part.ModelPath}; found {TensorSignature.TypeName(info.ElementDataType)}[{string.Join(',', found)}].");
        }
    }
}
