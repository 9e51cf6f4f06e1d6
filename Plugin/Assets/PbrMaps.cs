using RealtimeGen.Engine;
using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Plugin.Assets;

/// <summary>
/// Height, normal and roughness maps derived from an albedo texture on the CPU, for export next to it. The normal
/// is computed exactly as <see cref="DerivedNormalShader"/> computes it live in the preview: central differences of
/// the Rec. 709 luminance as height, OpenGL convention (green towards the image's top row).
/// </summary>
/// <remarks>Immutable after creation. Maps are RGBA8 (grey maps repeat the value in RGB, alpha 255).</remarks>
public sealed class PbrMaps
{
    /// <summary>Default slope scale: a full black-to-white step between neighbours tilts the normal by about 80°.</summary>
    public const float DefaultNormalStrength = DerivedNormalShader.DefaultStrength;

    private PbrMaps(int width, int height, byte[] heightMap, byte[] normal, byte[] roughness)
    {
        Width = width;
        Height = height;
        HeightMap = heightMap;
        Normal = normal;
        Roughness = roughness;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Height map (luminance), grey RGBA8.</summary>
    public byte[] HeightMap { get; }

    /// <summary>Tangent-space normal map, RGBA8, OpenGL convention.</summary>
    public byte[] Normal { get; }

    /// <summary>Roughness estimate, grey RGBA8: darker and busier areas rougher, bright smooth areas glossier.</summary>
    public byte[] Roughness { get; }

    /// <summary>The GLSL that derives the same normal live from the albedo (see <see cref="DerivedNormalShader"/>).</summary>
    public static string GlslSnippet => DerivedNormalShader.Functions;

    /// <summary>Derives the maps from <paramref name="albedo"/> (RGBA8, width·height·4 bytes).</summary>
    /// <param name="albedo">The albedo texture.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="normalStrength">Slope scale of the normal map; negative reads bright areas as low.</param>
    /// <param name="wrap">Treat the texture as tiling (neighbours wrap around), as the preview's repeat sampler does.</param>
    public static PbrMaps FromAlbedo(ReadOnlySpan<byte> albedo, int width, int height, float normalStrength = DefaultNormalStrength, bool wrap = true)
    {
        if (width < 1 || height < 1 || albedo.Length != (long)width * height * 4)
        {
            throw new RealtimeGenException(
                $"Expected {width}×{height} RGBA8 albedo ({(long)width * height * 4} bytes); found {albedo.Length} bytes.");
        }

        int count = width * height;
        var luma = new float[count];
        for (int i = 0; i < count; i++)
        {
            luma[i] = DerivedNormalShader.Luminance(albedo[i * 4], albedo[(i * 4) + 1], albedo[(i * 4) + 2]);
        }

        var heightMap = new byte[count * 4];
        var normal = new byte[count * 4];
        var roughness = new byte[count * 4];
        for (int y = 0; y < height; y++)
        {
            int up = Neighbour(y - 1, height, wrap);
            int down = Neighbour(y + 1, height, wrap);
            for (int x = 0; x < width; x++)
            {
                int left = Neighbour(x - 1, width, wrap);
                int right = Neighbour(x + 1, width, wrap);
                int i = (y * width) + x;
                float center = luma[i];
                float dx = luma[(y * width) + right] - luma[(y * width) + left];
                float dy = luma[(down * width) + x] - luma[(up * width) + x];
                (float nx, float ny, float nz) = DerivedNormalShader.Normal(dx, dy, normalStrength);
                normal[i * 4] = ToByte((nx * 0.5f) + 0.5f);
                normal[(i * 4) + 1] = ToByte((ny * 0.5f) + 0.5f);
                normal[(i * 4) + 2] = ToByte((nz * 0.5f) + 0.5f);
                normal[(i * 4) + 3] = 255;

                float laplacian = Math.Abs(luma[(y * width) + right] + luma[(y * width) + left] + luma[(down * width) + x] + luma[(up * width) + x] - (4 * center));
                float rough = Math.Clamp(0.35f + (0.45f * (1f - center)) + (2f * laplacian), 0f, 1f);
                Grey(heightMap, i, center);
                Grey(roughness, i, rough);
            }
        }

        return new PbrMaps(width, height, heightMap, normal, roughness);
    }

    private static int Neighbour(int index, int size, bool wrap) =>
        wrap ? (index + size) % size : Math.Clamp(index, 0, size - 1);

    private static void Grey(byte[] map, int i, float value)
    {
        byte b = ToByte(value);
        map[i * 4] = b;
        map[(i * 4) + 1] = b;
        map[(i * 4) + 2] = b;
        map[(i * 4) + 3] = 255;
    }

    private static byte ToByte(float value) => (byte)((Math.Clamp(value, 0f, 1f) * 255f) + 0.5f);
}
