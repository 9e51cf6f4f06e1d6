namespace RealtimeGen.Tests.Engine.ExternalMemory;

/// <summary>Deterministic RGBA8 test images.</summary>
public static class ExternalMemoryPattern
{
    /// <summary>Pseudo-random bytes from a seed, tightly packed rows.</summary>
    public static byte[] Random(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 4];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }

    /// <summary>Every byte of every pixel equal to <paramref name="value"/>.</summary>
    public static byte[] Uniform(int width, int height, byte value)
    {
        var pixels = new byte[width * height * 4];
        Array.Fill(pixels, value);
        return pixels;
    }
}
