using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Plugin.Inference;

namespace RealtimeGen.Plugin.Pipeline;

/// <summary>
/// Everything one generation shape needs, allocated on first use and reused: the UNet and decoder bindings
/// and the latent buffers. Owned by the pipeline; the bindings belong to their models.
/// </summary>
internal sealed class DenoiseWorkspace : IDisposable
{
    // Outputs a caller keeps decoding into (one per streamed texture and size): enough for a scene's live textures,
    // bounded so that outputs of disposed textures do not pile up.
    private const int PlanarBindingCapacity = 16;

    private readonly VaeDecoder _decoder;
    private readonly List<PlanarDecodeBinding> _planar = new(PlanarBindingCapacity);
    private SessionBinding? _decoderBinding;
    private float[]? _image;
    private float[]? _weights;
    private SessionBinding? _window;
    private (int, int) _windowSize;

    public DenoiseWorkspace(
        Unet unet, VaeDecoder decoder, int batch, int latentHeight, int latentWidth, bool classicGuidance, int sequenceLength, int hidden, int padding)
    {
        _decoder = decoder;
        Batch = batch;
        LatentHeight = latentHeight;
        LatentWidth = latentWidth;
        ClassicGuidance = classicGuidance;
        Padding = padding;
        int unetBatch = classicGuidance ? 2 * batch : batch;
        UnetBinding = unet.Bind(unetBatch, latentHeight + (2 * padding), latentWidth + (2 * padding), sequenceLength, hidden);
        int latentLength = batch * unet.LatentChannels * latentHeight * latentWidth;
        Cropped = padding > 0 ? new float[unetBatch * unet.LatentChannels * latentHeight * latentWidth] : [];
        Latents = new float[latentLength];
        Denoised = new float[latentLength];
        Noise = new float[latentLength];
        Guided = new float[latentLength];
        Noises = new SeededNoise[batch];
        for (int i = 0; i < batch; i++)
        {
            Noises[i] = new SeededNoise(0, i);
        }
    }

    public int Batch { get; }

    public int LatentHeight { get; }

    public int LatentWidth { get; }

    public bool ClassicGuidance { get; }

    public SessionBinding UnetBinding { get; }

    /// <summary>Latent cells of circular padding around the UNet input (0: the UNet sees the latents as they are).</summary>
    public int Padding { get; }

    /// <summary>The whole-image decoder binding, bound on first use (tiled decodes never need it).</summary>
    public SessionBinding DecoderBinding => _decoderBinding ??= _decoder.Bind(Batch, LatentHeight, LatentWidth);

    /// <summary>The decoder bound for windows of <paramref name="height"/>×<paramref name="width"/> latent cells
    /// (kept while the size stays the same, so that repeated windowed decodes allocate nothing).</summary>
    public SessionBinding WindowBinding(int height, int width)
    {
        if (_window is null || _windowSize != (height, width))
        {
            _window = _decoder.Bind(Batch, height, width);
            _windowSize = (height, width);
        }

        return _window;
    }

    /// <summary>The decoder bound to write into <paramref name="destination"/>, checked and bound on first use and kept
    /// (most recently used first), so repeated decodes into the same output allocate nothing.</summary>
    public PlanarDecodeBinding PlanarBinding(OrtValue destination)
    {
        for (int i = 0; i < _planar.Count; i++)
        {
            PlanarDecodeBinding found = _planar[i];
            if (ReferenceEquals(found.Destination, destination))
            {
                if (i > 0)
                {
                    _planar.RemoveAt(i);
                    _planar.Insert(0, found);
                }

                return found;
            }
        }

        PlanarDecodeBinding binding = _decoder.BindPlanar(DecoderBinding, Batch, LatentHeight, LatentWidth, destination);
        if (_planar.Count == PlanarBindingCapacity)
        {
            _planar[^1].Dispose();
            _planar.RemoveAt(_planar.Count - 1);
        }

        _planar.Insert(0, binding);
        return binding;
    }

    /// <summary>Releases the planar bindings (the shape bindings belong to the models).</summary>
    public void Dispose()
    {
        foreach (PlanarDecodeBinding binding in _planar)
        {
            binding.Dispose();
        }

        _planar.Clear();
    }

    /// <summary>The UNet output with the padding cropped off (empty without padding).</summary>
    public float[] Cropped { get; }

    /// <summary>Planar RGB of a windowed (tiled or wrapped) decode, allocated on first use.</summary>
    public float[] Image => _image ??= new float[Batch * 3 * LatentHeight * LatentWidth * VaeDecoder.Factor * VaeDecoder.Factor];

    /// <summary>Blend weights of a windowed decode, allocated on first use.</summary>
    public float[] Weights => _weights ??= new float[LatentHeight * LatentWidth * VaeDecoder.Factor * VaeDecoder.Factor];

    public float[] Latents { get; }

    public float[] Denoised { get; }

    public float[] Noise { get; }

    public float[] Guided { get; }

    /// <summary>One generator per image so that image i of a batch equals a batch-of-one run with stream i.</summary>
    public SeededNoise[] Noises { get; }

    /// <summary>Draws the next noise of every image into <see cref="Noise"/>.</summary>
    public void DrawNoise()
    {
        int perImage = Noise.Length / Batch;
        for (int b = 0; b < Batch; b++)
        {
            Noises[b].Fill(Noise.AsSpan(b * perImage, perImage));
        }
    }
}
