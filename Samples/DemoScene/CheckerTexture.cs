using RealtimeGen.Engine.Rendering;
using Silk.NET.OpenGL;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>A two-colour checkerboard: the placeholder albedo an object shows before its texture is generated.</summary>
internal static class CheckerTexture
{
    public static Texture2D Create(GL gl, int size, int cells, (byte R, byte G, byte B) a, (byte R, byte G, byte B) b)
    {
        var pixels = new byte[size * size * 4];
        var cell = Math.Max(1, size / cells);
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var (r, g, bl) = ((x / cell) + (y / cell)) % 2 == 0 ? a : b;
                var i = ((y * size) + x) * 4;
                pixels[i] = r;
                pixels[i + 1] = g;
                pixels[i + 2] = bl;
                pixels[i + 3] = 255;
            }
        }

        var texture = new Texture2D(gl, size, size);
        texture.Upload(pixels);
        texture.GenerateMipmaps();
        texture.SetSampling(TextureMinFilter.LinearMipmapLinear, TextureMagFilter.Linear, TextureWrapMode.Repeat);
        return texture;
    }
}
