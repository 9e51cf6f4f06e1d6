using Microsoft.ML.OnnxRuntime.Tensors;

namespace RealtimeGen.Plugin.Models;

/// <summary>One input or output of an ONNX model as its session metadata reports it.</summary>
/// <param name="Name">Tensor name, e.g. <c>timestep</c>.</param>
/// <param name="ElementType">Element data type.</param>
/// <param name="Dimensions">Sizes; −1 where the axis is dynamic.</param>
public sealed record TensorSignature(string Name, TensorElementType ElementType, IReadOnlyList<long> Dimensions)
{
    /// <summary>Number of axes.</summary>
    public int Rank => Dimensions.Count;

    /// <summary>Shape as text, with <c>?</c> for dynamic axes, e.g. <c>float32[?,4,?,?]</c>.</summary>
    public override string ToString()
    {
        var parts = new string[Dimensions.Count];
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = Dimensions[i] < 0 ? "?" : Dimensions[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return $"{Name}: {TypeName(ElementType)}[{string.Join(',', parts)}]";
    }

    /// <summary>The ONNX spelling of an element type (<c>float32</c>, <c>int64</c>, …).</summary>
    public static string TypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.Double => "float64",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        _ => type.ToString().ToLowerInvariant(),
    };
}
