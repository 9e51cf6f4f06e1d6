using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Models;

namespace RealtimeGen.Plugin.Inference;

/// <summary>The CLIP text encoder: token ids [B, L] (int64 or int32) → <c>last_hidden_state</c> [B, L, D].</summary>
/// <remarks>Not thread-safe (see <see cref="OnnxModel"/>).</remarks>
public sealed class TextEncoder : OnnxModel
{
    private readonly TensorSignature _ids;
    private readonly TensorSignature _hidden;

    /// <summary>Opens the session and probes the hidden size with one run.</summary>
    /// <param name="part">The package's <c>text_encoder</c>.</param>
    /// <param name="factory">Session options source.</param>
    /// <param name="sequenceLength">Token length the tokenizer produces (77 for CLIP).</param>
    public TextEncoder(ModelPart part, SessionFactory factory, int sequenceLength)
        : base(part, factory)
    {
        try
        {
            _ids = Signature.RequireInput("input_ids");
            RequireRank(_ids, 2, "[batch, tokens]");
            _hidden = OutputOrFirst("last_hidden_state");
            RequireRank(_hidden, 3, "[batch, tokens, hidden]");
            if (_ids.Dimensions[1] > 0 && _ids.Dimensions[1] != sequenceLength)
            {
                throw new RealtimeGenException(
                    $"{part.ModelPath}: expected input_ids of {sequenceLength} tokens (tokenizer model_max_length); " +
                    $"found {_ids}. Fix tokenizer/tokenizer_config.json or the export.");
            }

            SequenceLength = sequenceLength;
            HiddenSize = _hidden.Dimensions[2] > 0 ? (int)_hidden.Dimensions[2] : ProbeHiddenSize();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Tokens per sequence the tokenizer produces (L).</summary>
    public int SequenceLength { get; }

    /// <summary>Width of each token embedding (D).</summary>
    public int HiddenSize { get; }

    /// <summary>Whether the graph takes sequences of <paramref name="tokens"/> ids: its token axis is dynamic or that
    /// long.</summary>
    public bool Accepts(int tokens) => tokens >= 1 && (_ids.Dimensions[1] <= 0 || _ids.Dimensions[1] == tokens);

    /// <summary>Encodes <paramref name="batch"/> sequences of <see cref="SequenceLength"/> ids into
    /// <paramref name="destination"/> (B·L·D floats).</summary>
    /// <param name="tokenIds">B·L ids.</param>
    /// <param name="batch">Number of sequences B.</param>
    /// <param name="destination">Receives the hidden states.</param>
    /// <param name="runOptions">Carries cancellation; null uses a private instance.</param>
    public void Encode(ReadOnlySpan<long> tokenIds, int batch, Span<float> destination, RunOptions? runOptions = null) =>
        Encode(tokenIds, batch, SequenceLength, destination, runOptions);

    /// <summary>
    /// Encodes only the first <paramref name="tokens"/> ids of each sequence; the states of the later tokens are
    /// written as zeros. With a causal encoder the leading states equal those of the whole sequence, so a package
    /// whose UNet reads only them (<see cref="ModelPackage.UnetTextTokens"/>) gets the same result for less work.
    /// </summary>
    /// <param name="tokenIds">B·L ids.</param>
    /// <param name="batch">Number of sequences B.</param>
    /// <param name="tokens">Leading ids of each sequence to encode, 1 to L (see <see cref="Accepts"/>).</param>
    /// <param name="destination">Receives B·L·D floats.</param>
    /// <param name="runOptions">Carries cancellation; null uses a private instance.</param>
    public void Encode(
        ReadOnlySpan<long> tokenIds, int batch, int tokens, Span<float> destination, RunOptions? runOptions = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tokens, SequenceLength);
        if (!Accepts(tokens))
        {
            throw new ArgumentOutOfRangeException(
                nameof(tokens), tokens, $"{Part.ModelPath} takes input_ids of {_ids}; found a request for {tokens} tokens.");
        }

        if (tokenIds.Length != batch * SequenceLength || destination.Length != batch * SequenceLength * HiddenSize)
        {
            throw new ArgumentException(
                $"Expected {batch * SequenceLength} ids and room for {batch * SequenceLength * HiddenSize} floats; " +
                $"found {tokenIds.Length} and {destination.Length}.");
        }

        SessionBinding binding = Bind(batch, tokens);
        Span<long> ids = binding.Input(0).Integers;
        for (int b = 0; b < batch; b++)
        {
            tokenIds.Slice(b * SequenceLength, tokens).CopyTo(ids.Slice(b * tokens, tokens));
        }

        binding.Run(runOptions ?? DefaultRunOptions);
        ReadOnlySpan<float> states = binding.Output(0).Floats;
        int row = tokens * HiddenSize;
        int sequence = SequenceLength * HiddenSize;
        for (int b = 0; b < batch; b++)
        {
            Span<float> target = destination.Slice(b * sequence, sequence);
            states.Slice(b * row, row).CopyTo(target);
            target[row..].Clear();
        }
    }

    private SessionBinding Bind(int batch, int tokens) =>
        GetBinding((batch, tokens, 0), () =>
        {
            var ids = new BoundTensor(_ids, [batch, tokens], hostIsInteger: true, Part.ModelPath);
            var output = new BoundTensor(_hidden, [batch, tokens, HiddenSize], hostIsInteger: false, Part.ModelPath);
            return new SessionBinding(Session, [ids], [output]);
        });

    private int ProbeHiddenSize()
    {
        using var ids = OrtValue.CreateTensorValueFromMemory(new long[SequenceLength], [1, SequenceLength]);
        using IDisposableReadOnlyCollection<OrtValue> outputs =
            Session.Run(DefaultRunOptions, [_ids.Name], [ids], [_hidden.Name]);
        long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
        return checked((int)shape[2]);
    }
}
