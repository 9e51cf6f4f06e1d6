using System.IO.Compression;
using NUnit.Framework;
using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Tests.Engine.Rendering;

public class PngEncoderTests
{
    private static byte[] Noise(int width, int height, int seed)
    {
        var rgba = new byte[width * height * 4];
        new Random(seed).NextBytes(rgba);
        return rgba;
    }

    [TestCase(1, 1, CompressionLevel.Fastest)]
    [TestCase(3, 5, CompressionLevel.Optimal)]
    [TestCase(64, 33, CompressionLevel.Fastest)]
    [TestCase(130, 7, CompressionLevel.SmallestSize)]
    public void A_png_decodes_to_exactly_the_pixels_alpha_included(int width, int height, CompressionLevel level)
    {
        byte[] rgba = Noise(width, height, width * 31 + height);
        using var stream = new MemoryStream();
        PngEncoder.Write(stream, width, height, rgba, level);

        Image decoded = ImageFile.Decode(stream.ToArray(), "encoded");
        Assert.Multiple(() =>
        {
            Assert.That((decoded.Width, decoded.Height), Is.EqualTo((width, height)));
            Assert.That(decoded.Pixels.ToArray(), Is.EqualTo(rgba));
        });
    }

    [Test]
    public void The_file_has_the_png_signature_and_chunk_checksums()
    {
        using var stream = new MemoryStream();
        PngEncoder.Write(stream, 2, 2, Noise(2, 2, 1));
        byte[] bytes = stream.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(bytes[..8], Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
            Assert.That(bytes[^12..], Is.EqualTo(new byte[] { 0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82 }),
                "IEND with its well-known CRC-32");
        });
    }

    [Test]
    public void A_buffer_of_the_wrong_size_is_refused_with_the_expected_size()
    {
        using var stream = new MemoryStream();
        var e = Assert.Throws<ArgumentException>(() => PngEncoder.Write(stream, 4, 4, new byte[10]));
        Assert.That(e!.Message, Does.Contain("64 bytes"));
    }
}
