using RealtimeGen.Plugin.Inference;

namespace RealtimeGen.Plugin.Pipeline;

/// <summary>
/// Everything one generation shape needs, allocated on first use and reused: the UNet and decoder bindings
/// and the latent buffers. Owned by the pipeline; the bindings belong to their models.
/// </summary>
internal sealed class DenoiseWorkspace
{
    public DenoiseWorkspace(Unet unet, VaeDecoder decoder, int batch, int latentHeight, int latentWidth, bool classicGuidance, int sequenceLength, int hidden)
    {
        Batch = batch;
        LatentHeight = latentHeight;
        LatentWidth = latentWidth;
        ClassicGuidance = classicGuidance;
        int unetBatch = classicGuidance ? 2 * batch : batch;
        UnetBinding = unet.Bind(unetBatch, latentHeight, latentWidth, sequenceLength, hidden);
        DecoderBinding = decoder.Bind(batch, latentHeight, latentWidth);
        int latentLength = batch * unet.LatentChannels * latentHeight * latentWidth;
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

    public SessionBinding DecoderBinding { get; }

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
