using NUnit.Framework;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Engine.ExternalMemory;

public class ExternalMemoryRoundTripTests
{
    [Test]
    public void Llvmpipe_reports_memory_objects_and_a_device_uuid()
    {
        (bool fd, int uuids, string renderer) = GlTestHost.Run(context =>
        {
            var support = GlExternalMemorySupport.Query(context.Gl);
            return (support.CanImportMemory(ExternalHandleKind.OpaqueFd), support.DeviceUuids.Count, support.Renderer);
        });

        if (!renderer.Contains("llvmpipe", StringComparison.Ordinal))
        {
            Assert.Ignore($"Checks Mesa llvmpipe's capabilities; this context is '{renderer}'.");
        }

        Assert.That(fd, Is.True, "llvmpipe has GL_EXT_memory_object and GL_EXT_memory_object_fd");
        Assert.That(uuids, Is.GreaterThanOrEqualTo(1));
    }

    [TestCase(128, 128)]
    [TestCase(13, 7)]
    [TestCase(100, 37)]
    [TestCase(512, 512)]
    [TestCase(1024, 1024)]
    public void Vulkan_written_pixels_read_back_bit_exact_from_the_GL_texture(int width, int height)
    {
        byte[] source = ExternalMemoryPattern.Random(width, height, seed: width + height);

        (byte[] readBack, int rowPitch) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            using VulkanExportedImage image = vulkan.CreateImage(width, height);
            image.WriteTightRows(source);
            using GlMemoryObject memory = GlMemoryObject.ImportFd(support, image.ExportFd(), image.AllocationSize, dedicated: true);
            using GlExternalTexture texture = GlExternalTexture.Create(memory, width, height, image.ImageOffset);
            var pixels = new byte[source.Length];
            texture.ReadPixels(pixels);
            return (pixels, image.RowPitch);
        });

        Assert.That(rowPitch, Is.GreaterThanOrEqualTo(width * 4));
        Assert.That(readBack, Is.EqualTo(source), $"row pitch {rowPitch}");
    }

    [Test]
    public void A_later_Vulkan_write_shows_in_GL_without_a_new_import()
    {
        byte[] first = ExternalMemoryPattern.Random(64, 32, seed: 1);
        byte[] second = ExternalMemoryPattern.Random(64, 32, seed: 2);

        (byte[] before, byte[] after) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            using VulkanExportedImage image = vulkan.CreateImage(64, 32);
            image.WriteTightRows(first);
            using GlMemoryObject memory = GlMemoryObject.ImportFd(support, image.ExportFd(), image.AllocationSize, dedicated: true);
            using GlExternalTexture texture = GlExternalTexture.Create(memory, 64, 32, image.ImageOffset);
            var a = new byte[first.Length];
            texture.ReadPixels(a);
            image.WriteTightRows(second);
            var b = new byte[second.Length];
            texture.ReadPixels(b);
            return (a, b);
        });

        Assert.That(before, Is.EqualTo(first));
        Assert.That(after, Is.EqualTo(second));
    }

    [Test]
    public void Rows_written_through_Row_land_at_the_Vulkan_row_pitch()
    {
        // Writes row y with the value y through the pitched view; a width*4 assumption would smear rows together.
        const int Width = 37;
        const int Height = 9;
        byte[] readBack = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            using VulkanExportedImage image = vulkan.CreateImage(Width, Height);
            for (int y = 0; y < Height; y++)
            {
                image.Row(y).Fill((byte)(y * 10));
            }

            using GlMemoryObject memory = GlMemoryObject.ImportFd(support, image.ExportFd(), image.AllocationSize, dedicated: true);
            using GlExternalTexture texture = GlExternalTexture.Create(memory, Width, Height, image.ImageOffset);
            var pixels = new byte[Width * Height * 4];
            texture.ReadPixels(pixels);
            return pixels;
        });

        for (int y = 0; y < Height; y++)
        {
            Assert.That(readBack.AsSpan(y * Width * 4, Width * 4).ToArray(), Is.All.EqualTo((byte)(y * 10)), $"row {y}");
        }
    }
}
