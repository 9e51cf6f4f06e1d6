using System.Buffers.Binary;
using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Pipeline;
using StbImageWriteSharp;

namespace RealtimeGen.Tests.Plugin.Pipeline;

public class InitImageTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "rtg-init-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void A_png_is_read_and_resized_to_the_request_size()
    {
        var rgba = new byte[4 * 4 * 4];
        for (int i = 0; i < 16; i++)
        {
            rgba[(i * 4) + 0] = 200;
            rgba[(i * 4) + 1] = 100;
            rgba[(i * 4) + 2] = 50;
            rgba[(i * 4) + 3] = 255;
        }

        string path = Path.Combine(_folder, "flat.png");
        using (FileStream stream = File.Create(path))
        {
            new ImageWriter().WritePng(rgba, 4, 4, ColorComponents.RedGreenBlueAlpha, stream);
        }

        InitImage image = InitImage.Load(path, 16, 8);
        Assert.That((image.Width, image.Height), Is.EqualTo((16, 8)));
        Assert.That(image.Rgba[..4].ToArray(), Is.EqualTo(new byte[] { 200, 100, 50, 255 }));
        var planar = new float[3 * 16 * 8];
        image.WritePlanar(planar);
        Assert.That(planar[0], Is.EqualTo((200 / 127.5f) - 1f).Within(1e-6f));
        Assert.That(planar[2 * 16 * 8], Is.EqualTo((50 / 127.5f) - 1f).Within(1e-6f));
    }

    [Test]
    public void A_corrupt_file_is_a_clear_error()
    {
        string path = Path.Combine(_folder, "corrupt.png");
        File.WriteAllBytes(path, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        var e = Assert.Throws<RealtimeGenException>(() => InitImage.Load(path, 64, 64));
        Assert.That(e!.Message, Does.Contain(path));
    }

    [Test]
    public void An_image_too_large_is_refused_before_decoding()
    {
        // A real PNG whose header is patched to announce 9000×9000 pixels; decoding would need 324 MB.
        using var png = new MemoryStream();
        new ImageWriter().WritePng(new byte[4 * 4 * 4], 4, 4, ColorComponents.RedGreenBlueAlpha, png);
        byte[] header = png.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(16), 9000);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(20), 9000);
        string path = Path.Combine(_folder, "huge.png");
        File.WriteAllBytes(path, header);
        var e = Assert.Throws<RealtimeGenException>(() => InitImage.Load(path, 64, 64));
        Assert.That(e!.Message, Does.Contain("9000×9000").And.Contain("8192"));
    }

    [Test]
    public void A_missing_file_is_named() =>
        Assert.That(() => InitImage.Load(Path.Combine(_folder, "none.png"), 8, 8),
            Throws.TypeOf<RealtimeGenException>().With.Message.Contains("none.png"));

    [Test]
    public void An_init_image_of_another_size_than_the_request_is_refused()
    {
        InitImage image = InitImage.FromRgba(new byte[8 * 8 * 4], 8, 8, 8, 8);
        var request = new GenerationRequest { Width = 16, Height = 16, InitImage = image, Strength = 0.5 };
        Assert.That(() => ShippedModel.Pipeline.Generate(request), Throws.TypeOf<RealtimeGenException>().With.Message.Contains("16×16"));
    }
}
