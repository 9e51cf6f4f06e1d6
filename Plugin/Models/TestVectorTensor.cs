using System.Buffers.Binary;
using System.Runtime.InteropServices;
using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.Models;

/// <summary>One tensor of a test-vector case: a raw little-endian <c>.bin</c> file with its dtype and shape.</summary>
/// <param name="Name">Model input or output name.</param>
/// <param name="Path">Absolute path of the .bin file.</param>
/// <param name="DType"><c>float32</c>, <c>int64</c> or <c>int32</c>.</param>
/// <param name="Shape">Dimensions.</param>
public sealed record TestVectorTensor(string Name, string Path, string DType, IReadOnlyList<long> Shape)
{
    /// <summary>Number of elements the shape holds.</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (long d in Shape)
            {
                count *= d;
            }

            return count;
        }
    }

    /// <summary>Reads a float32 tensor.</summary>
    public float[] ReadFloats()
    {
        byte[] bytes = ReadBytes("float32", 4);
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        }

        return values;
    }

    /// <summary>Reads an int64 or int32 tensor as int64.</summary>
    public long[] ReadIntegers()
    {
        if (DType == "int32")
        {
            byte[] narrow = ReadBytes("int32", 4);
            var widened = new long[narrow.Length / 4];
            for (int i = 0; i < widened.Length; i++)
            {
                widened[i] = BinaryPrimitives.ReadInt32LittleEndian(narrow.AsSpan(i * 4));
            }

            return widened;
        }

        byte[] bytes = ReadBytes("int64", 8);
        long[] values = MemoryMarshal.Cast<byte, long>(bytes).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReverseEndianness(values[i]);
            }
        }

        return values;
    }

    private byte[] ReadBytes(string expectedType, int elementSize)
    {
        if (DType != expectedType)
        {
            throw new RealtimeGenException($"{Path}: expected dtype {expectedType} for \"{Name}\"; the manifest says {DType}.");
        }

        var info = new FileInfo(Path);
        long expectedBytes = ElementCount * elementSize;
        if (!info.Exists || info.Length != expectedBytes)
        {
            throw new RealtimeGenException(
                $"{Path}: expected {expectedBytes} bytes for {DType}[{string.Join(',', Shape)}]; found " +
                $"{(info.Exists ? info.Length + " bytes" : "no file")}. Re-run the export that writes test vectors.");
        }

        return File.ReadAllBytes(Path);
    }
}
