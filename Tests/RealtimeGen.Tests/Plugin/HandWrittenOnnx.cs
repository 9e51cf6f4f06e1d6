using System.Text;

namespace RealtimeGen.Tests.Plugin;

/// <summary>
/// Writes small ONNX models byte by byte (protobuf wire format), for export variants the shipped model does not
/// have; no Python is needed in tests. Field numbers are those of onnx.proto.
/// </summary>
internal static partial class HandWrittenOnnx
{
    private const int Float = 1;

    /// <summary>
    /// A UNet the way older converters export LCM-LoRA merges: <c>timestep</c> a float32 scalar, no
    /// <c>timestep_cond</c>. out_sample = 0.1·sample + mean(encoder_hidden_states per image) + 0.001·timestep.
    /// </summary>
    public static byte[] ScalarTimestepUnetWithoutGuidanceEmbedding()
    {
        byte[][] nodes =
        [
            Node("ReduceMean", ["encoder_hidden_states"], ["m"], Ints("axes", 1, 2), Int("keepdims", 1)),
            Node("Reshape", ["m", "shape4"], ["m4"]),
            Node("Mul", ["sample", "k_sample"], ["s"]),
            Node("Mul", ["timestep", "k_time"], ["t"]),
            Node("Add", ["s", "m4"], ["sm"]),
            Node("Add", ["sm", "t"], ["out_sample"]),
        ];
        byte[][] initializers =
        [
            Int64Tensor("shape4", [4], [-1, 1, 1, 1]),
            FloatScalar("k_sample", 0.1f),
            FloatScalar("k_time", 0.001f),
        ];
        byte[][] inputs =
        [
            Value("sample", "batch", 4L, "height", "width"),
            Value("timestep"),
            Value("encoder_hidden_states", "batch", "tokens", "hidden"),
        ];
        byte[][] outputs = [Value("out_sample", "batch", 4L, "height", "width")];
        var graph = new List<byte>();
        foreach (byte[] node in nodes)
        {
            graph.AddRange(Bytes(1, node));
        }

        graph.AddRange(Bytes(2, Encoding.UTF8.GetBytes("unet")));
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

    private static byte[] Node(string op, string[] inputs, string[] outputs, params byte[][] attributes)
    {
        var node = new List<byte>();
        foreach (string input in inputs)
        {
            node.AddRange(Text(1, input));
        }

        foreach (string output in outputs)
        {
            node.AddRange(Text(2, output));
        }

        node.AddRange(Text(4, op));
        foreach (byte[] attribute in attributes)
        {
            node.AddRange(Bytes(5, attribute));
        }

        return [.. node];
    }

    private static byte[] Int(string name, long value) => [.. Text(1, name), .. Varint(3, (ulong)value), .. Varint(20, 2)];

    private static byte[] Ints(string name, params long[] values)
    {
        var bytes = new List<byte>(Text(1, name));
        foreach (long v in values)
        {
            bytes.AddRange(Varint(8, (ulong)v));
        }

        bytes.AddRange(Varint(20, 7));
        return [.. bytes];
    }

    private static byte[] Int64Tensor(string name, long[] dims, long[] values)
    {
        var bytes = new List<byte>();
        foreach (long d in dims)
        {
            bytes.AddRange(Varint(1, (ulong)d));
        }

        bytes.AddRange(Varint(2, 7));
        bytes.AddRange(Text(8, name));
        var raw = new List<byte>();
        foreach (long v in values)
        {
            raw.AddRange(BitConverter.GetBytes(v));
        }

        bytes.AddRange(Bytes(9, [.. raw]));
        return [.. bytes];
    }

    private static byte[] FloatScalar(string name, float value) =>
        [.. Varint(2, Float), .. Text(8, name), .. Bytes(9, BitConverter.GetBytes(value))];

    // A float32 tensor value; string dims are symbolic, long dims fixed; no dims is a scalar.
    private static byte[] Value(string name, params object[] dims)
    {
        var shape = new List<byte>();
        foreach (object dim in dims)
        {
            shape.AddRange(Bytes(1, dim is string symbol ? Text(2, symbol) : Varint(1, (ulong)(long)dim)));
        }

        byte[] tensorType = [.. Varint(1, Float), .. Bytes(2, [.. shape])];
        return [.. Text(1, name), .. Bytes(2, Bytes(1, tensorType))];
    }

    private static byte[] Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    private static byte[] Bytes(int field, byte[] payload) => [.. Tag(field, 2), .. Raw((ulong)payload.Length), .. payload];

    private static byte[] Varint(int field, ulong value) => [.. Tag(field, 0), .. Raw(value)];

    private static byte[] Tag(int field, int wire) => Raw((ulong)((field << 3) | wire));

    private static byte[] Raw(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }
}
