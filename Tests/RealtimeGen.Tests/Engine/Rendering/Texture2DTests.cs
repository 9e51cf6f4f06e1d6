using NUnit.Framework;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Engine.Rendering;

public class Texture2DTests
{
    [Test]
    public void Upload_then_read_back_returns_the_same_bytes()
    {
        byte[] source = RandomRgba(13, 7, seed: 1);

        byte[] readBack = GlTestHost.Run(context =>
        {
            using var texture = new Texture2D(context.Gl, 13, 7, mipLevels: 1);
            texture.Upload(source);
            var pixels = new byte[source.Length];
            texture.ReadPixels(pixels);
            return pixels;
        });

        Assert.That(readBack, Is.EqualTo(source));
    }

    [Test]
    public void A_region_upload_changes_only_that_region()
    {
        byte[] readBack = GlTestHost.Run(context =>
        {
            using var texture = new Texture2D(context.Gl, 4, 4, mipLevels: 1);
            texture.Upload(new byte[4 * 4 * 4]);
            byte[] white = [.. Enumerable.Repeat((byte)255, 2 * 1 * 4)];
            texture.UploadRegion(white, x: 1, y: 2, width: 2, height: 1);
            var pixels = new byte[4 * 4 * 4];
            texture.ReadPixels(pixels);
            return pixels;
        });

        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                byte expected = y == 2 && x is 1 or 2 ? (byte)255 : (byte)0;
                Assert.That(readBack[((y * 4) + x) * 4], Is.EqualTo(expected), $"pixel ({x},{y})");
            }
        }
    }

    [Test]
    public void Full_mip_chain_is_allocated_and_GenerateMipmaps_averages_down_to_one_pixel()
    {
        // Left half red, right half blue: the 1x1 level is their average.
        var source = new byte[8 * 8 * 4];
        for (int i = 0; i < 64; i++)
        {
            bool left = i % 8 < 4;
            source[(i * 4) + 0] = left ? (byte)255 : (byte)0;
            source[(i * 4) + 2] = left ? (byte)0 : (byte)255;
            source[(i * 4) + 3] = 255;
        }

        (int levels, byte[] smallest, int storedLevels) = GlTestHost.Run(context =>
        {
            using var texture = new Texture2D(context.Gl, 8, 8);
            texture.Upload(source);
            texture.GenerateMipmaps();
            var pixel = new byte[4];
            texture.ReadPixels(pixel, level: 3);
            context.Gl.GetTextureParameter(texture.Handle, GLEnum.TextureImmutableLevels, out int immutableLevels);
            return (texture.MipLevels, pixel, immutableLevels);
        });

        Assert.That(levels, Is.EqualTo(4));
        Assert.That(storedLevels, Is.EqualTo(4), "storage must be immutable with the whole chain");
        Assert.That(smallest, Is.EqualTo(new byte[] { 128, 0, 128, 255 }).Within(1));
    }

    [Test]
    public void Upload_from_a_pixel_unpack_buffer_round_trips()
    {
        byte[] source = RandomRgba(8, 4, seed: 2);

        byte[] readBack = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            uint buffer = gl.CreateBuffer();
            try
            {
                // 16 bytes of padding in front exercise the offset.
                var staged = new byte[16 + source.Length];
                source.CopyTo(staged, 16);
                gl.NamedBufferStorage<byte>(buffer, (nuint)staged.Length, staged, BufferStorageMask.None);
                using var texture = new Texture2D(gl, 8, 4, mipLevels: 1);
                texture.UploadFromPixelBuffer(buffer, 16, 0, 0, 8, 4);
                var pixels = new byte[source.Length];
                texture.ReadPixels(pixels);
                return pixels;
            }
            finally
            {
                gl.DeleteBuffer(buffer);
            }
        });

        Assert.That(readBack, Is.EqualTo(source));
    }

    [Test]
    public void Wrong_sizes_are_rejected_before_reaching_GL()
    {
        (ArgumentException? wrongLength, ArgumentException? outside, ArgumentException? tooManyLevels) = GlTestHost.Run(context =>
        {
            using var texture = new Texture2D(context.Gl, 4, 4, mipLevels: 1);
            return (
                ExceptionCapture.Of<ArgumentException>(() => texture.Upload(new byte[10])),
                ExceptionCapture.Of<ArgumentException>(() => texture.UploadRegion(new byte[16], 3, 3, 2, 2)),
                ExceptionCapture.Of<ArgumentException>(() => new Texture2D(context.Gl, 4, 4, mipLevels: 4).Dispose()));
        });

        Assert.That(wrongLength, Is.Not.Null);
        Assert.That(outside, Is.Not.Null);
        Assert.That(tooManyLevels, Is.Not.Null);
    }

    [TestCase(1, 1, 1)]
    [TestCase(2, 1, 2)]
    [TestCase(256, 256, 9)]
    [TestCase(300, 17, 9)]
    public void Full_chain_length_is_floor_log2_plus_one(int width, int height, int expected) =>
        Assert.That(Texture2D.FullMipChainLength(width, height), Is.EqualTo(expected));

    internal static byte[] RandomRgba(int width, int height, int seed)
    {
        var pixels = new byte[width * height * 4];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }
}
