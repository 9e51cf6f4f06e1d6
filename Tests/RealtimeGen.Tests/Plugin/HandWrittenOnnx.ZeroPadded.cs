namespace RealtimeGen.Tests.Plugin;

/// <summary>Models that do not tile: zero padding at the borders, as most exported SD-class models have.</summary>
internal static partial class HandWrittenOnnx
{
    /// <summary>
    /// A UNet like <see cref="ScalarTimestepUnetWithoutGuidanceEmbedding"/> whose sample term is a 5×5 mean with zero
    /// padding (borders see zeros, not the opposite edge): out = 0.1·avgpool(sample) + mean(hidden) + 0.001·t.
    /// </summary>
    public static byte[] ZeroPaddedBlurUnet()
    {
        byte[][] nodes =
        [
            Node("ReduceMean", ["encoder_hidden_states"], ["m"], Ints("axes", 1, 2), Int("keepdims", 1)),
            Node("Reshape", ["m", "shape4"], ["m4"]),
            Node("AveragePool", ["sample"], ["blur"], Ints("kernel_shape", 5, 5), Ints("pads", 2, 2, 2, 2), Int("count_include_pad", 1)),
            Node("Mul", ["blur", "k_sample"], ["s"]),
            Node("Mul", ["timestep", "k_time"], ["t"]),
            Node("Add", ["s", "m4"], ["sm"]),
            Node("Add", ["sm", "t"], ["out_sample"]),
        ];
        return Model(
            "unet",
            nodes,
            [Int64Tensor("shape4", [4], [-1, 1, 1, 1]), FloatScalar("k_sample", 0.1f), FloatScalar("k_time", 0.001f)],
            [Value("sample", "batch", 4L, "height", "width"), Value("timestep"), Value("encoder_hidden_states", "batch", "tokens", "hidden")],
            [Value("out_sample", "batch", 4L, "height", "width")]);
    }

    /// <summary>
    /// A VAE decoder that upsamples the first three latent channels 8× bilinearly (a transposed convolution with
    /// zero padding, so the outermost half cell fades towards 0 instead of wrapping): [B,4,h,w] → [B,3,8h,8w].
    /// </summary>
    public static byte[] ZeroPaddedUpsamplingDecoder()
    {
        const int K = 16;
        var weights = new float[4 * 3 * K * K];
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < K; i++)
            {
                for (int j = 0; j < K; j++)
                {
                    float wi = 1f - (Math.Abs(i - 7.5f) / 8f);
                    float wj = 1f - (Math.Abs(j - 7.5f) / 8f);
                    weights[(((c * 3) + c) * K * K) + (i * K) + j] = 2f * wi * wj;
                }
            }
        }

        byte[][] nodes =
        [
            Node("ConvTranspose", ["latent_sample", "w"], ["sample"], Ints("strides", 8, 8), Ints("pads", 4, 4, 4, 4), Ints("kernel_shape", K, K)),
        ];
        return Model(
            "vae_decoder",
            nodes,
            [FloatTensor("w", [4, 3, K, K], weights)],
            [Value("latent_sample", "batch", 4L, "height", "width")],
            [Value("sample", "batch", 3L, "image_height", "image_width")]);
    }

    private static byte[] Model(string name, byte[][] nodes, byte[][] initializers, byte[][] inputs, byte[][] outputs)
    {
        var graph = new List<byte>();
        foreach (byte[] node in nodes)
        {
            graph.AddRange(Bytes(1, node));
        }

        graph.AddRange(Bytes(2, System.Text.Encoding.UTF8.GetBytes(name)));
        foreach (byte[] initializer in initializers)
        {
            graph.AddRange(Bytes(5, initializer));
        }

        foreach (byte[] input in inputs)
        {
            graph.AddRange(Bytes(11, input));
        }

        foreach (byte[] output in outputs)
        {
            graph.AddRange(Bytes(12, output));
        }

        byte[] opset = [.. Bytes(1, []), .. Varint(2, 17)];
        return [.. Varint(1, 8), .. Bytes(7, [.. graph]), .. Bytes(8, opset)];
    }

    private static byte[] FloatTensor(string name, long[] dims, float[] values)
    {
        var bytes = new List<byte>();
        foreach (long d in dims)
        {
            bytes.AddRange(Varint(1, (ulong)d));
        }

        bytes.AddRange(Varint(2, Float));
        bytes.AddRange(Text(8, name));
        var raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        bytes.AddRange(Bytes(9, raw));
        return [.. bytes];
    }
}
