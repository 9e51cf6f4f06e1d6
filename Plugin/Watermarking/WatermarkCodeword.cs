namespace RealtimeGen.Plugin.Watermarking;

/// <summary>
/// The 64-bit codeword laid out over an 8×8 tile of 8×8-pixel blocks: 16 sync bits, the 32 payload bits and a
/// CRC-16 of the payload, each XORed with a fixed key bit, at fixed scrambled tile positions.
/// </summary>
internal static class WatermarkCodeword
{
    public const int Length = 64;
    public const int TileBlocks = 8;
    public const int SyncBits = 16;
    private const int PayloadStart = SyncBits;
    private const int CrcStart = SyncBits + 32;
    private const ushort Sync = 0xB38F;

    /// <summary>Codeword index of each tile position (row-major over the 8×8 tile).</summary>
    public static readonly int[] IndexAt = Scramble(0x5EED_7E57u);

    /// <summary>Key bit XORed onto each codeword bit, so that equal payload bits do not form a visible pattern.</summary>
    public static readonly bool[] Key = KeyBits(0xC0FF_EE11u);

    /// <summary>Writes the 64 bits (before keying) of <paramref name="payload"/> into <paramref name="bits"/>.</summary>
    public static void Encode(WatermarkPayload payload, Span<bool> bits)
    {
        for (int i = 0; i < SyncBits; i++)
        {
            bits[i] = ((Sync >> i) & 1) != 0;
        }

        for (int i = 0; i < 32; i++)
        {
            bits[PayloadStart + i] = ((payload.Value >> i) & 1) != 0;
        }

        ushort crc = Crc16(payload.Value);
        for (int i = 0; i < 16; i++)
        {
            bits[CrcStart + i] = ((crc >> i) & 1) != 0;
        }
    }

    /// <summary>The expected (unkeyed) sync bit at codeword index <paramref name="index"/> &lt; <see cref="SyncBits"/>.</summary>
    public static bool SyncBit(int index) => ((Sync >> index) & 1) != 0;

    /// <summary>Reads payload and checksum from decoded bits; true when the checksum matches.</summary>
    public static bool TryDecode(ReadOnlySpan<bool> bits, out WatermarkPayload payload)
    {
        uint value = 0;
        for (int i = 0; i < 32; i++)
        {
            value |= bits[PayloadStart + i] ? 1u << i : 0u;
        }

        ushort crc = 0;
        for (int i = 0; i < 16; i++)
        {
            crc |= (ushort)(bits[CrcStart + i] ? 1 << i : 0);
        }

        payload = new WatermarkPayload(value);
        bool syncOk = true;
        for (int i = 0; i < SyncBits; i++)
        {
            syncOk &= bits[i] == SyncBit(i);
        }

        return syncOk && crc == Crc16(value);
    }

    // CRC-16/CCITT-FALSE over the payload's four bytes, little-endian.
    private static ushort Crc16(uint value)
    {
        ushort crc = 0xFFFF;
        for (int b = 0; b < 4; b++)
        {
            crc ^= (ushort)(((value >> (8 * b)) & 0xFF) << 8);
            for (int i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
        }

        return crc;
    }

    private static int[] Scramble(uint seed)
    {
        var order = new int[Length];
        for (int i = 0; i < Length; i++)
        {
            order[i] = i;
        }

        uint state = seed;
        for (int i = Length - 1; i > 0; i--)
        {
            state = Next(state);
            int j = (int)(state % (uint)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    private static bool[] KeyBits(uint seed)
    {
        var key = new bool[Length];
        uint state = seed;
        for (int i = 0; i < Length; i++)
        {
            state = Next(state);
            key[i] = (state & 0x100) != 0;
        }

        return key;
    }

    // xorshift32: a fixed, platform-independent sequence.
    private static uint Next(uint x)
    {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        return x;
    }
}
