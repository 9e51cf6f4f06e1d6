using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.Assets;

/// <summary>The texture set of one asset: albedo and the maps derived from it, RGBA8 of one size.</summary>
public sealed class AssetImages
{
    /// <summary>Wraps the four images (not copied).</summary>
    public AssetImages(int width, int height, byte[] albedo, byte[] normal, byte[] heightMap, byte[] roughness)
    {
        long bytes = (long)width * height * 4;
        foreach (byte[]? image in new[] { albedo, normal, heightMap, roughness })
        {
            ArgumentNullException.ThrowIfNull(image);
            if (image.Length != bytes)
            {
                throw new RealtimeGenException($"Expected {bytes} bytes of RGBA8 per {width}×{height} map; found {image.Length}.");
            }
        }

        Width = width;
        Height = height;
        Albedo = albedo;
        Normal = normal;
        HeightMap = heightMap;
        Roughness = roughness;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Base colour.</summary>
    public byte[] Albedo { get; }

    /// <summary>Tangent-space normal map (OpenGL convention).</summary>
    public byte[] Normal { get; }

    /// <summary>Height map.</summary>
    public byte[] HeightMap { get; }

    /// <summary>Roughness estimate.</summary>
    public byte[] Roughness { get; }

    /// <summary>Derives the maps from an albedo (see <see cref="PbrMaps"/>).</summary>
    public static AssetImages FromAlbedo(byte[] albedo, int width, int height, bool wrap)
    {
        PbrMaps maps = PbrMaps.FromAlbedo(albedo, width, height, PbrMaps.DefaultNormalStrength, wrap);
        return new AssetImages(width, height, albedo, maps.Normal, maps.HeightMap, maps.Roughness);
    }
}
