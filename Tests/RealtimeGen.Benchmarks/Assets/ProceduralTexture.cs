namespace RealtimeGen.Benchmarks.Assets;

/// <summary>Seeded stand-ins for generated textures: multi-octave value noise, tinted, with brick mortar lines on
/// even seeds (brick sizes that do not divide the watermark's 64-pixel tile).</summary>
internal static class ProceduralTexture
{
    public static byte[] Create(int width, int height, int seed)
    {
        var random = new Random(seed);
        const int Octaves = 4;
        var grids = new float[Octaves][,];
        for (int o = 0; o < Octaves; o++)
        {
            int g = 4 << o;
            grids[o] = new float[g, g];
            for (int i = 0; i < g; i++)
            {
                for (int j = 0; j < g; j++)
                {
                    grids[o][i, j] = (float)random.NextDouble();
                }
            }
        }

        float tr = 0.5f + (float)random.NextDouble();
        float tg = 0.5f + (float)random.NextDouble();
        float tb = 0.5f + (float)random.NextDouble();
        int brickHeight = 20 + (seed % 7);
        int brickWidth = (2 * brickHeight) + (seed % 5);
        var rgba = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float value = 0;
                float amplitude = 0.5f;
                for (int o = 0; o < Octaves; o++)
                {
                    int g = 4 << o;
                    float fx = (float)x / width * g;
                    float fy = (float)y / height * g;
                    int x0 = (int)fx;
                    int y0 = (int)fy;
                    float ax = fx - x0;
                    float ay = fy - y0;
                    float[,] a = grids[o];
                    float s = (a[y0 % g, x0 % g] * (1 - ax) * (1 - ay)) + (a[y0 % g, (x0 + 1) % g] * ax * (1 - ay))
                        + (a[(y0 + 1) % g, x0 % g] * (1 - ax) * ay) + (a[(y0 + 1) % g, (x0 + 1) % g] * ax * ay);
                    value += amplitude * s;
                    amplitude *= 0.5f;
                }

                bool mortar = seed % 2 == 0
                    && ((y % brickHeight) < 3 || ((x + ((y / brickHeight) % 2 * (brickWidth / 2))) % brickWidth) < 3);
                float l = mortar ? 0.8f : value;
                int p = ((y * width) + x) * 4;
                rgba[p] = (byte)Math.Clamp(255 * l * tr, 0, 255);
                rgba[p + 1] = (byte)Math.Clamp(255 * l * tg, 0, 255);
                rgba[p + 2] = (byte)Math.Clamp(255 * l * tb, 0, 255);
                rgba[p + 3] = 255;
            }
        }

        return rgba;
    }
}
