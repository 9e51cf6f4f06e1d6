using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Engine.ExternalMemory;

public class ExternalMemoryLifetimeTests
{
    [Test]
    public void Many_imports_disposed_in_shuffled_order_leave_no_GL_Vulkan_or_fd_objects()
    {
        (int memfdsBefore, int memfdsDuring, int memfdsAfter, int liveGl, int liveImages, bool sampledWhileOwnerGone) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            GL gl = context.Gl;
            int before = VulkanTestDevice.OpenMemfdCount();
            var images = new List<VulkanExportedImage>();
            var memories = new List<GlMemoryObject>();
            var textures = new List<GlExternalTexture>();
            for (int i = 0; i < 24; i++)
            {
                int width = 8 + (i * 5);
                int height = 4 + (i * 3);
                VulkanExportedImage image = vulkan.CreateImage(width, height);
                image.WriteTightRows(ExternalMemoryPattern.Uniform(width, height, (byte)i));
                GlMemoryObject memory = GlMemoryObject.ImportFd(support, image.ExportFd(), image.AllocationSize, dedicated: true);
                images.Add(image);
                memories.Add(memory);
                textures.Add(GlExternalTexture.Create(memory, width, height, image.ImageOffset));
            }

            int during = VulkanTestDevice.OpenMemfdCount();
            uint[] textureNames = [.. textures.Select(t => t.Handle)];
            uint[] memoryNames = [.. memories.Select(m => m.Name)];

            // Every disposal of every kind, interleaved at random: owners before users, Vulkan before GL, and so on.
            var disposals = new List<Action>();
            disposals.AddRange(images.Select(image => (Action)image.Dispose));
            disposals.AddRange(memories.Select(memory => (Action)memory.Dispose));
            disposals.AddRange(textures.Select(texture => (Action)texture.Dispose));
            Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(disposals));

            foreach (Action dispose in disposals)
            {
                dispose();
            }

            // A texture outliving its memory object's owner still reads its pixels.
            VulkanExportedImage last = vulkan.CreateImage(16, 16);
            last.WriteTightRows(ExternalMemoryPattern.Uniform(16, 16, 77));
            var lastMemory = GlMemoryObject.ImportFd(support, last.ExportFd(), last.AllocationSize, dedicated: true);
            var lastTexture = GlExternalTexture.Create(lastMemory, 16, 16, last.ImageOffset);
            uint lastMemoryName = lastMemory.Name;
            lastMemory.Dispose();
            var pixels = new byte[16 * 16 * 4];
            lastTexture.ReadPixels(pixels);
            bool sampled = !pixels.AsSpan().ContainsAnyExcept((byte)77);
            lastTexture.Dispose();
            last.Dispose();

            unsafe
            {
                int alive = textureNames.Count(name => gl.IsTexture(name));
                alive += memoryNames.Count(name => support.Api.IsMemoryObject(name) != 0);
                alive += support.Api.IsMemoryObject(lastMemoryName) != 0 ? 1 : 0;
                return (before, during, VulkanTestDevice.OpenMemfdCount(), alive, vulkan.LiveObjectCount, sampled);
            }
        });

        Assert.That(liveGl, Is.Zero, "GL textures and memory objects still alive");
        Assert.That(liveImages, Is.Zero, "Vulkan images still alive");
        Assert.That(memfdsDuring, Is.GreaterThan(memfdsBefore), "the exported memory shows up as memfds while alive");
        Assert.That(memfdsAfter, Is.EqualTo(memfdsBefore), "exported fds leaked");
        Assert.That(sampledWhileOwnerGone, Is.True);
    }

    [Test]
    public void Ring_textures_created_and_disposed_repeatedly_leave_nothing_behind()
    {
        (int memfdsBefore, int memfdsAfter, int liveGl, int liveImages) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            int before = VulkanTestDevice.OpenMemfdCount();
            var names = new List<uint>();
            var rings = new List<ExternalMemoryTexture>();
            for (int i = 0; i < 8; i++)
            {
                var ring = new ExternalMemoryTexture(support, vulkan, 32 + (i * 16), 32);
                for (int s = 0; s < ring.SlotCount; s++)
                {
                    names.Add(ring.SlotTexture(s).Handle);
                }

                // Leave some fences pending at disposal.
                if (ring.TryBeginWrite(out ExternalMemoryWrite write))
                {
                    ring.EndWrite(write);
                    _ = ring.Latch();
                }

                if (ring.TryBeginWrite(out write))
                {
                    ring.EndWrite(write);
                    _ = ring.Latch();
                }

                rings.Add(ring);
            }

            foreach (ExternalMemoryTexture ring in rings.OrderBy(_ => Random.Shared.Next()))
            {
                ring.Dispose();
            }

            return (before, VulkanTestDevice.OpenMemfdCount(), names.Count(name => context.Gl.IsTexture(name)), vulkan.LiveObjectCount);
        });

        Assert.That(liveGl, Is.Zero);
        Assert.That(liveImages, Is.Zero);
        Assert.That(memfdsAfter, Is.EqualTo(memfdsBefore));
    }

    [Test]
    public void Exported_buffers_show_as_memfds_while_alive_and_the_device_destroys_those_left()
    {
        (int before, int during, int afterDispose, bool leftAlive, int live) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            int countBefore = VulkanTestDevice.OpenMemfdCount();
            VulkanExportedBuffer first = vulkan.CreateBuffer(3 * 64 * 64 * sizeof(float));
            VulkanExportedBuffer second = vulkan.CreateBuffer(4096);
            int countDuring = VulkanTestDevice.OpenMemfdCount();
            first.Dispose();
            int countAfter = VulkanTestDevice.OpenMemfdCount();
            return (countBefore, countDuring, countAfter, second.IsAlive, vulkan.LiveObjectCount);
        });

        Assert.That(during, Is.GreaterThan(before));
        Assert.That(afterDispose, Is.LessThan(during));
        Assert.That(leftAlive, Is.True);
        Assert.That(live, Is.EqualTo(1), "the second buffer, which the device destroys when it is disposed");
    }

    [Test]
    public void Disposing_the_Vulkan_device_first_destroys_its_images()
    {
        (bool aliveBefore, bool aliveAfter, int live) = GlTestHost.Run(context =>
        {
            var support = GlExternalMemorySupport.Query(context.Gl);
            VulkanExternalMemoryDevice vulkan;
            try
            {
                vulkan = VulkanExternalMemoryDevice.Create(support.DeviceUuids.Count > 0 ? support.DeviceUuids[0] : default);
            }
            catch (RealtimeGenException)
            {
                return (false, false, -1);
            }

            VulkanExportedImage image = vulkan.CreateImage(8, 8);
            bool before = image.IsAlive;
            vulkan.Dispose();
            bool after = image.IsAlive;
            image.Dispose();
            return (before, after, vulkan.LiveObjectCount);
        });

        if (live < 0)
        {
            Assert.Ignore("No Vulkan device here.");
        }

        Assert.That(aliveBefore, Is.True);
        Assert.That(aliveAfter, Is.False);
        Assert.That(live, Is.Zero);
    }
}
