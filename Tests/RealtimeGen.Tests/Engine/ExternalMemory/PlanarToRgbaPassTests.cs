using NUnit.Framework;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Engine.ExternalMemory;

public class PlanarToRgbaPassTests
{
    [TestCase(64, 64)]
    [TestCase(37, 19)]
    public void The_GPU_conversion_matches_the_CPU_conversion_byte_for_byte(int width, int height)
    {
        int plane = width * height;
        var planar = new float[3 * plane];
        var random = new Random(width * 31 + height);
        for (int i = 0; i < planar.Length; i++)
        {
            planar[i] = (float)((random.NextDouble() * 2.6) - 1.3);
        }

        // Edges and values whose scaled form lands near .5, where rounding differences would show.
        float[] special = [-1f, 1f, 0f, -2f, 2f, (2f * (0.5f / 255f)) - 1f, (2f * (127.5f / 255f)) - 1f, float.Epsilon];
        special.CopyTo(planar, 0);
        byte[] expected = CpuReference(planar, width, height);

        byte[] converted = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            uint buffer = gl.CreateBuffer();
            try
            {
                // Two floats of padding in front exercise firstFloat.
                var padded = new float[2 + planar.Length];
                planar.CopyTo(padded, 2);
                gl.NamedBufferStorage<float>(buffer, (nuint)(padded.Length * sizeof(float)), padded, BufferStorageMask.None);
                using var target = new Texture2D(gl, width, height, mipLevels: 1);
                using var pass = new PlanarToRgbaPass(gl);
                pass.Run(buffer, target, firstFloat: 2);
                var pixels = new byte[plane * 4];
                target.ReadPixels(pixels);
                return pixels;
            }
            finally
            {
                gl.DeleteBuffer(buffer);
            }
        });

        Assert.That(converted, Is.EqualTo(expected));
    }

    // The CPU path's conversion (LcmPipeline: diffusers' (x / 2 + 0.5).clamp(0, 1) * 255, rounded).
    private static byte[] CpuReference(float[] planar, int width, int height)
    {
        int plane = width * height;
        var rgba = new byte[plane * 4];
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                float value = planar[(c * plane) + i];
                rgba[(i * 4) + c] = (byte)((Math.Clamp((value * 0.5f) + 0.5f, 0f, 1f) * 255f) + 0.5f);
            }

            rgba[(i * 4) + 3] = 255;
        }

        return rgba;
    }
}
