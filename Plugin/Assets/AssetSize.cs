using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.Assets;

/// <summary>The texture sizes assets are made at: 128 to 1024 pixels per side, multiples of 8 (the VAE's cell).</summary>
public static class AssetSize
{
    /// <summary>Smallest side in pixels.</summary>
    public const int Min = 128;

    /// <summary>Largest side in pixels.</summary>
    public const int Max = 1024;

    /// <summary>Every side is a multiple of this.</summary>
    public const int Multiple = 8;

    /// <summary>Throws unless <paramref name="width"/>×<paramref name="height"/> is a valid asset size.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="source">Names where the size came from in the message (a file and line, an option).</param>
    /// <exception cref="RealtimeGenException">Out of range or not a multiple of 8.</exception>
    public static void Check(int width, int height, string source)
    {
        foreach ((string name, int value) in new[] { ("width", width), ("height", height) })
        {
            if (value < Min || value > Max || value % Multiple != 0)
            {
                throw new RealtimeGenException(
                    $"{source}: expected a {name} from {Min} to {Max} pixels in steps of {Multiple}; found {value}. " +
                    "The shipped model needs multiples of 32 (e.g. 128, 256, 512, 1024).");
            }
        }
    }
}
