using System.Numerics;

namespace RealtimeGen.Plugin.Pipeline;

/// <summary>
/// Deterministic standard normal noise: xoshiro256** (Blackman and Vigna) seeded through SplitMix64 from
/// (seed, stream), turned into normals by the Box–Muller transform on 53-bit uniforms.
/// </summary>
/// <remarks>
/// The sequence depends only on (seed, stream) and the order of <see cref="Fill"/> calls, so the same seed
/// gives bit-identical latents on every run of the same build on the same machine (sin/cos/log come from the
/// runtime's math library). It does not reproduce PyTorch's generator. Not thread-safe: one instance per
/// image being generated. Allocates nothing after construction.
/// </remarks>
public sealed class SeededNoise
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Starts the sequence for <paramref name="seed"/> and an independent <paramref name="stream"/>
    /// (the image index within a batch).</summary>
    public SeededNoise(long seed, int stream = 0)
    {
        Reset(seed, stream);
    }

    /// <summary>Restarts the sequence as if newly constructed.</summary>
    public void Reset(long seed, int stream = 0)
    {
        // Distinct streams start from SplitMix64 states far apart in its sequence.
        ulong state = unchecked((ulong)seed ^ ((ulong)(uint)stream * 0xD1B54A32D192ED03UL));
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
    }

    /// <summary>Fills <paramref name="destination"/> with independent N(0, 1) samples.</summary>
    public void Fill(Span<float> destination)
    {
        int i = 0;
        while (i < destination.Length)
        {
            // Box–Muller: u1 in (0, 1] keeps the logarithm finite.
            double u1 = ((NextUInt64() >> 11) + 1) * (1.0 / 9007199254740992.0);
            double u2 = (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            double angle = 2.0 * Math.PI * u2;
            destination[i++] = (float)(radius * Math.Cos(angle));
            if (i < destination.Length)
            {
                destination[i++] = (float)(radius * Math.Sin(angle));
            }
        }
    }

    /// <summary>The next 64 raw bits of xoshiro256**.</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
