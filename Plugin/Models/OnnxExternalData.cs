using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.Models;

/// <summary>
/// Finds the external-data locations an ONNX file refers to, by walking the protobuf wire format without
/// loading tensor payloads, so a package cannot make ONNX Runtime read files outside its folder.
/// </summary>
/// <remarks>Covers graph initializers, sparse initializers and tensor attributes of nodes, in subgraphs too.
/// Length-delimited payloads that cannot hold tensors are skipped by seeking.</remarks>
internal static class OnnxExternalData
{
    private const int MaxDepth = 64;

    /// <summary>Checks every external-data location of <paramref name="modelPath"/> stays inside
    /// <paramref name="packageRoot"/> and exists; returns the distinct files.</summary>
    public static IReadOnlyList<string> Validate(string modelPath, string packageRoot)
    {
        var locations = new List<string>();
        try
        {
            using var stream = new FileStream(modelPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var reader = new WireReader(stream);
            reader.ReadModel(stream.Length, locations);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new RealtimeGenException(
                $"{modelPath}: expected an ONNX model (protobuf ModelProto); the file is truncated or corrupt " +
                $"({e.Message}). Re-export or re-download this part of the package.", e);
        }

        string modelDirectory = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        string root = Path.GetFullPath(packageRoot);
        string rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        var files = new List<string>();
        foreach (string location in locations)
        {
            string full = Path.GetFullPath(Path.Combine(modelDirectory, location));
            if (Path.IsPathRooted(location) || !full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
            {
                throw new RealtimeGenException(
                    $"{modelPath}: expected external data inside the package folder {root}; found the location " +
                    $"\"{location}\". Refusing to load it: re-export the model with its data beside model.onnx.");
            }

            if (!File.Exists(full))
            {
                throw new RealtimeGenException(
                    $"{modelPath}: expected its external data file {full}; it does not exist. Copy the " +
                    "model.onnx_data file that belongs to this model next to it.");
            }

            if (!files.Contains(full))
            {
                files.Add(full);
            }
        }

        return files;
    }

    private sealed class WireReader(Stream stream)
    {
        public void ReadModel(long end, List<string> locations)
        {
            while (stream.Position < end)
            {
                (int field, int wire) = ReadTag();
                if (field == 7 && wire == 2)
                {
                    ReadGraph(ReadEnd(end), locations, 0);
                }
                else
                {
                    Skip(wire, end);
                }
            }
        }

        private void ReadGraph(long end, List<string> locations, int depth)
        {
            CheckDepth(depth);
            while (stream.Position < end)
            {
                (int field, int wire) = ReadTag();
                if (wire == 2 && field == 1)
                {
                    ReadNode(ReadEnd(end), locations, depth + 1);
                }
                else if (wire == 2 && field == 5)
                {
                    ReadTensor(ReadEnd(end), locations);
                }
                else if (wire == 2 && field == 15)
                {
                    ReadSparseTensor(ReadEnd(end), locations);
                }
                else
                {
                    Skip(wire, end);
                }
            }
        }

        private void ReadNode(long end, List<string> locations, int depth)
        {
            CheckDepth(depth);
            while (stream.Position < end)
            {
                (int field, int wire) = ReadTag();
                if (wire == 2 && field == 5)
                {
                    ReadAttribute(ReadEnd(end), locations, depth + 1);
                }
                else
                {
                    Skip(wire, end);
                }
            }
        }

        private void ReadAttribute(long end, List<string> locations, int depth)
        {
            CheckDepth(depth);
            while (stream.Position < end)
            {
                (int field, int wire) = ReadTag();
                if (wire == 2 && (field == 5 || field == 10))
                {
                    ReadTensor(ReadEnd(end), locations);
                }
                else if (wire == 2 && (field == 6 || field == 11))
                {
                    ReadGraph(ReadEnd(end), locations, depth + 1);
                }
                else if (wire == 2 && (field == 22 || field == 23))
                {
                    ReadSparseTensor(ReadEnd(end), locations);
                }
                else
                {
                    Skip(wire, end);
                }
            }
        }

        private void ReadSparseTensor(long end, List<string> locations)
        {
            while (stream.Position < end)
            {
                (int field, int wire) = ReadTag();
                if (wire == 2 && (field == 1 || field == 2))
                {
                    ReadTensor(ReadEnd(end), locations);
                }
                else
                {
                    Skip(wire, end);
                }
            }
        }

        private void ReadTensor(long end, List<string> locations)
        {
            while (stream.Position < end)
            {
                (int field, int wire) = ReadTag();
                if (wire == 2 && field == 13)
                {
                    ReadExternalEntry(ReadEnd(end), locations);
                }
                else
                {
                    Skip(wire, end);
                }
            }
        }

        private void ReadExternalEntry(long end, List<string> locations)
        {
            string? key = null;
            string? value = null;
            while (stream.Position < end)
            {
                (int field, int wire) = ReadTag();
                if (wire == 2 && (field == 1 || field == 2))
                {
                    long length = ReadEnd(end) - stream.Position;
                    if (length > 4096)
                    {
                        throw new InvalidDataException("an external-data entry longer than 4096 bytes");
                    }

                    var bytes = new byte[length];
                    stream.ReadExactly(bytes);
                    string text = System.Text.Encoding.UTF8.GetString(bytes);
                    if (field == 1)
                    {
                        key = text;
                    }
                    else
                    {
                        value = text;
                    }
                }
                else
                {
                    Skip(wire, end);
                }
            }

            if (key == "location" && value is not null)
            {
                locations.Add(value);
            }
        }

        private static void CheckDepth(int depth)
        {
            if (depth > MaxDepth)
            {
                throw new InvalidDataException($"graphs nested deeper than {MaxDepth}");
            }
        }

        private (int Field, int Wire) ReadTag()
        {
            ulong tag = ReadVarint();
            int field = (int)(tag >> 3);
            if (field == 0)
            {
                throw new InvalidDataException("a protobuf field number 0");
            }

            return (field, (int)(tag & 7));
        }

        private long ReadEnd(long parentEnd)
        {
            ulong length = ReadVarint();
            long end = stream.Position + (long)length;
            if (length > long.MaxValue / 2 || end > parentEnd)
            {
                throw new InvalidDataException("a field longer than its enclosing message");
            }

            return end;
        }

        private void Skip(int wire, long end)
        {
            switch (wire)
            {
                case 0:
                    ReadVarint();
                    break;
                case 1:
                    SeekTo(stream.Position + 8, end);
                    break;
                case 2:
                    SeekTo(ReadEnd(end), end);
                    break;
                case 5:
                    SeekTo(stream.Position + 4, end);
                    break;
                default:
                    throw new InvalidDataException($"an unsupported protobuf wire type {wire}");
            }
        }

        private void SeekTo(long position, long end)
        {
            if (position > end)
            {
                throw new InvalidDataException("a field past the end of its message");
            }

            stream.Position = position;
        }

        private ulong ReadVarint()
        {
            ulong result = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                int b = stream.ReadByte();
                if (b < 0)
                {
                    throw new EndOfStreamException("the file ends inside a protobuf varint");
                }

                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }

            throw new InvalidDataException("a protobuf varint longer than 10 bytes");
        }
    }
}
