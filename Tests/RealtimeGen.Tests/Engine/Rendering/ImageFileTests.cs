using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Rendering;
using StbImageWriteSharp;

namespace RealtimeGen.Tests.Engine.Rendering;

public class ImageFileTests
{
    private string _folder = string.Empty;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "realtimegen-imagefile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void A_PNG_written_and_read_back_is_identical()
    {
        byte[] pixels = Texture2DTests.RandomRgba(37, 19, seed: 3);
        string path = Path.Combine(_folder, "round.png");

        ImageFile.SavePng(path, 37, 19, pixels);
        Image loaded = ImageFile.Load(path);

        Assert.That((loaded.Width, loaded.Height), Is.EqualTo((37, 19)));
        Assert.That(loaded.Pixels.ToArray(), Is.EqualTo(pixels));
        Assert.That(File.ReadAllBytes(path)[..4], Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
    }

    [TestCase("bmp")]
    [TestCase("tga")]
    public void Lossless_formats_load_as_RGBA8(string format)
    {
        byte[] pixels = Texture2DTests.RandomRgba(9, 5, seed: 4);
        for (int i = 3; i < pixels.Length; i += 4)
        {
            pixels[i] = 255;
        }

        string path = Path.Combine(_folder, "image." + format);
        using (FileStream stream = File.Create(path))
        {
            var writer = new ImageWriter();
            if (format == "bmp")
            {
                writer.WriteBmp(pixels, 9, 5, ColorComponents.RedGreenBlueAlpha, stream);
            }
            else
            {
                writer.WriteTga(pixels, 9, 5, ColorComponents.RedGreenBlueAlpha, stream);
            }
        }

        Image loaded = ImageFile.Load(path);

        Assert.That(loaded.Pixels.ToArray(), Is.EqualTo(pixels));
    }

    [Test]
    public void A_JPEG_loads_close_to_the_original()
    {
        var pixels = new byte[16 * 16 * 4];
        for (int i = 0; i < pixels.Length; i += 4)
        {
            pixels[i] = 200;
            pixels[i + 1] = 100;
            pixels[i + 2] = 50;
            pixels[i + 3] = 255;
        }

        string path = Path.Combine(_folder, "image.jpg");
        using (FileStream stream = File.Create(path))
        {
            new ImageWriter().WriteJpg(pixels, 16, 16, ColorComponents.RedGreenBlueAlpha, stream, 95);
        }

        Image loaded = ImageFile.Load(path);

        Assert.That((loaded.Width, loaded.Height), Is.EqualTo((16, 16)));
        Assert.That(loaded.Pixels[..4].ToArray(), Is.EqualTo(new byte[] { 200, 100, 50, 255 }).Within(4));
    }

    [Test]
    public void A_file_of_garbage_is_a_clear_error_naming_the_file()
    {
        string path = Path.Combine(_folder, "garbage.png");
        var bytes = new byte[512];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<RealtimeGenException>(() => ImageFile.Load(path));

        Assert.That(error!.Message, Does.Contain(path).And.Contain("not a readable PNG, JPEG, TGA or BMP"));
    }

    [Test]
    public void A_truncated_PNG_is_a_clear_error_naming_the_file()
    {
        string path = Path.Combine(_folder, "truncated.png");
        ImageFile.SavePng(path, 64, 64, Texture2DTests.RandomRgba(64, 64, seed: 6));
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);

        var error = Assert.Throws<RealtimeGenException>(() => ImageFile.Load(path));

        Assert.That(error!.Message, Does.Contain(path).And.Contain("corrupt"));
    }

    [Test]
    public void An_oversized_header_is_rejected_before_decoding()
    {
        // A valid 4x4 PNG whose IHDR is patched to claim 17000x15000 (IHDR's CRC is not checked by the header read;
        // decoding would need 1 GB): the limit check must stop it from the header alone.
        string path = Path.Combine(_folder, "huge.png");
        ImageFile.SavePng(path, 4, 4, new byte[4 * 4 * 4]);
        byte[] bytes = File.ReadAllBytes(path);
        WriteBigEndian(bytes, 16, 17000);
        WriteBigEndian(bytes, 20, 15000);
        File.WriteAllBytes(path, bytes);
        long before = GC.GetTotalAllocatedBytes();

        var error = Assert.Throws<RealtimeGenException>(() => ImageFile.Load(path));

        Assert.That(error!.Message, Does.Contain(path).And.Contain("17000x15000").And.Contain("ImageLimits"));
        Assert.That(GC.GetTotalAllocatedBytes() - before, Is.LessThan(16 * 1024 * 1024), "nothing image-sized may be allocated");
    }

    [Test]
    public void Custom_limits_apply_to_width_height_pixels_and_file_size()
    {
        string path = Path.Combine(_folder, "wide.png");
        ImageFile.SavePng(path, 40, 10, new byte[40 * 10 * 4]);

        Assert.Throws<RealtimeGenException>(() => ImageFile.Load(path, new ImageLimits { MaxWidth = 32 }));
        Assert.Throws<RealtimeGenException>(() => ImageFile.Load(path, new ImageLimits { MaxHeight = 9 }));
        Assert.Throws<RealtimeGenException>(() => ImageFile.Load(path, new ImageLimits { MaxPixels = 399 }));
        Assert.Throws<RealtimeGenException>(() => ImageFile.Load(path, new ImageLimits { MaxFileBytes = 10 }));
        Assert.That(ImageFile.Load(path, new ImageLimits { MaxWidth = 40, MaxHeight = 10, MaxPixels = 400 }).Width, Is.EqualTo(40));
    }

    [Test]
    public void A_missing_file_is_a_clear_error()
    {
        string path = Path.Combine(_folder, "absent.png");

        var error = Assert.Throws<RealtimeGenException>(() => ImageFile.Load(path));

        Assert.That(error!.Message, Does.Contain(path));
    }

    [Test]
    public void Decoding_from_memory_names_the_source_in_errors()
    {
        var error = Assert.Throws<RealtimeGenException>(() => ImageFile.Decode(new byte[] { 1, 2, 3 }, "inline test bytes"));

        Assert.That(error!.Message, Does.Contain("inline test bytes"));
    }

    private static void WriteBigEndian(byte[] bytes, int offset, int value)
    {
        bytes[offset] = (byte)(value >> 24);
        bytes[offset + 1] = (byte)(value >> 16);
        bytes[offset + 2] = (byte)(value >> 8);
        bytes[offset + 3] = (byte)value;
    }
}
