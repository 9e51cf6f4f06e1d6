using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Models;

namespace RealtimeGen.Plugin.Inference;

/// <summary>
/// A preallocated tensor bound to a session: a host buffer the pipeline works in (float or int64) and, when
/// the model's element type differs (float16, int32, a float timestep), a native buffer converted before and
/// after each run. The <see cref="OrtValue"/> pins the native buffer for the tensor's lifetime.
/// </summary>
internal sealed class BoundTensor : IDisposable
{
    private readonly float[]? _floats;
    private readonly long[]? _integers;
    private readonly Float16[]? _halves;
    private readonly int[]? _int32s;
    private readonly float[]? _integerAsFloat;

    public BoundTensor(TensorSignature signature, long[] shape, bool hostIsInteger, string modelPath)
    {
        Signature = signature;
        Shape = shape;
        long length = 1;
        foreach (long d in shape)
        {
            length *= d;
        }

        Length = checked((int)length);
        CheckShape(signature, shape, modelPath);
        switch (signature.ElementType, hostIsInteger)
        {
            case (TensorElementType.Float, false):
                _floats = new float[Length];
                Value = OrtValue.CreateTensorValueFromMemory(_floats, shape);
                break;
            case (TensorElementType.Float16, false):
                _floats = new float[Length];
                _halves = new Float16[Length];
                Value = OrtValue.CreateTensorValueFromMemory(_halves, shape);
                break;
            case (TensorElementType.Int64, true):
                _integers = new long[Length];
                Value = OrtValue.CreateTensorValueFromMemory(_integers, shape);
                break;
            case (TensorElementType.Int32, true):
                _integers = new long[Length];
                _int32s = new int[Length];
                Value = OrtValue.CreateTensorValueFromMemory(_int32s, shape);
                break;
            case (TensorElementType.Float, true):
                _integers = new long[Length];
                _integerAsFloat = new float[Length];
                Value = OrtValue.CreateTensorValueFromMemory(_integerAsFloat, shape);
                break;
            case (TensorElementType.Float16, true):
                _integers = new long[Length];
                _halves = new Float16[Length];
                Value = OrtValue.CreateTensorValueFromMemory(_halves, shape);
                break;
            default:
                throw new RealtimeGenException(
                    $"{modelPath}: expected {(hostIsInteger ? "an int64, int32, float32 or float16" : "a float32 or float16")} " +
                    $"tensor for \"{signature.Name}\"; found {signature}. Re-export the part with standard dtypes.");
        }
    }

    public TensorSignature Signature { get; }

    public long[] Shape { get; }

    public int Length { get; }

    public OrtValue Value { get; }

    /// <summary>Host view of a float tensor.</summary>
    public Span<float> Floats => _floats;

    /// <summary>Host view of an integer tensor (ids, timesteps).</summary>
    public Span<long> Integers => _integers;

    /// <summary>Converts host values into the native buffer when types differ.</summary>
    public void BeforeRun()
    {
        if (_halves is not null && _floats is not null)
        {
            for (int i = 0; i < _halves.Length; i++)
            {
                _halves[i] = new Float16(BitConverter.HalfToUInt16Bits((Half)_floats[i]));
            }
        }
        else if (_halves is not null && _integers is not null)
        {
            for (int i = 0; i < _halves.Length; i++)
            {
                _halves[i] = new Float16(BitConverter.HalfToUInt16Bits((Half)_integers[i]));
            }
        }
        else if (_int32s is not null)
        {
            for (int i = 0; i < _int32s.Length; i++)
            {
                _int32s[i] = checked((int)_integers![i]);
            }
        }
        else if (_integerAsFloat is not null)
        {
            for (int i = 0; i < _integerAsFloat.Length; i++)
            {
                _integerAsFloat[i] = _integers![i];
            }
        }
    }

    /// <summary>Converts native results back into the host buffer when types differ.</summary>
    public void AfterRun()
    {
        if (_halves is not null && _floats is not null)
        {
            for (int i = 0; i < _halves.Length; i++)
            {
                _floats[i] = (float)BitConverter.UInt16BitsToHalf(_halves[i].value);
            }
        }
    }

    public void Dispose() => Value.Dispose();

    private static void CheckShape(TensorSignature signature, long[] shape, string modelPath)
    {
        bool matches = signature.Rank == shape.Length;
        for (int i = 0; matches && i < shape.Length; i++)
        {
            matches = signature.Dimensions[i] < 0 || signature.Dimensions[i] == shape[i];
        }

        if (!matches)
        {
            throw new RealtimeGenException(
                $"{modelPath}: \"{signature.Name}\" is declared as {signature}; the pipeline needs shape " +
                $"[{string.Join(',', shape)}]. Use a size and batch the export supports, or re-export it with " +
                "dynamic batch and spatial axes.");
        }
    }
}
