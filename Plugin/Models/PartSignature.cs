using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.Models;

/// <summary>The inputs and outputs of one loaded model part, read from its session metadata.</summary>
/// <param name="ModelPath">The ONNX file the signature was read from, for messages.</param>
/// <param name="Inputs">Inputs in model order.</param>
/// <param name="Outputs">Outputs in model order.</param>
public sealed record PartSignature(string ModelPath, IReadOnlyList<TensorSignature> Inputs, IReadOnlyList<TensorSignature> Outputs)
{
    /// <summary>The input called <paramref name="name"/>, or null.</summary>
    public TensorSignature? FindInput(string name) => Find(Inputs, name);

    /// <summary>The output called <paramref name="name"/>, or null.</summary>
    public TensorSignature? FindOutput(string name) => Find(Outputs, name);

    /// <summary>The input called <paramref name="name"/>.</summary>
    /// <exception cref="RealtimeGenException">It is missing; the message lists what the model has.</exception>
    public TensorSignature RequireInput(string name) =>
        FindInput(name) ?? throw new RealtimeGenException(
            $"{ModelPath}: expected an input named \"{name}\"; the model has {Describe(Inputs)}. Export the part " +
            "with diffusers/Optimum names.");

    /// <summary>Lists tensors for messages, e.g. <c>sample: float32[?,4,?,?], timestep: int64[?]</c>.</summary>
    public static string Describe(IReadOnlyList<TensorSignature> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return tensors.Count == 0 ? "none" : string.Join(", ", tensors);
    }

    private static TensorSignature? Find(IReadOnlyList<TensorSignature> tensors, string name)
    {
        foreach (TensorSignature tensor in tensors)
        {
            if (tensor.Name == name)
            {
                return tensor;
            }
        }

        return null;
    }
}
