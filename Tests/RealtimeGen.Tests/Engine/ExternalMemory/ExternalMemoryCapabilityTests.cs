using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Engine.ExternalMemory;

public class ExternalMemoryCapabilityTests
{
    [Test]
    public void A_GL_without_the_fd_extension_gets_an_error_naming_it()
    {
        (string? withoutFd, string? withoutAny, bool canImport) = GlTestHost.Run(context =>
        {
            var partial = GlExternalMemorySupport.FromExtensions(context.Gl, [GlExternalMemorySupport.MemoryObjectExtension]);
            var none = GlExternalMemorySupport.FromExtensions(context.Gl, []);
            return (MessageOf(() => partial.RequireMemoryImport(ExternalHandleKind.OpaqueFd)),
                MessageOf(() => none.RequireMemoryImport(ExternalHandleKind.OpaqueFd)),
                partial.CanImportMemory(ExternalHandleKind.OpaqueFd));
        });

        Assert.That(canImport, Is.False);
        Assert.That(withoutFd, Does.Contain("GL_EXT_memory_object_fd").And.Not.Contain("GL_EXT_memory_object and"));
        Assert.That(withoutAny, Does.Contain("GL_EXT_memory_object and GL_EXT_memory_object_fd"));
    }

    [Test]
    public void The_win32_route_names_its_extension_where_GL_lacks_it()
    {
        (bool hasWin32, string? message) = GlTestHost.Run(context =>
        {
            var support = GlExternalMemorySupport.Query(context.Gl);
            return (support.HasExtension(GlExternalMemorySupport.MemoryObjectWin32Extension),
                MessageOf(() => support.RequireMemoryImport(ExternalHandleKind.D3D12Resource)));
        });

        if (hasWin32)
        {
            Assert.Ignore("This GL has GL_EXT_memory_object_win32.");
        }

        Assert.That(message, Does.Contain("GL_EXT_memory_object_win32"));
    }

    [Test]
    public void A_rejected_import_closes_the_fd_it_was_given()
    {
        (int before, int after, string? message) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            using VulkanExportedImage image = vulkan.CreateImage(16, 16);
            var lacking = GlExternalMemorySupport.FromExtensions(context.Gl, []);
            int countBefore = VulkanTestDevice.OpenMemfdCount();
            string? error = MessageOf(() => GlMemoryObject.ImportFd(lacking, image.ExportFd(), image.AllocationSize, dedicated: true));
            return (countBefore, VulkanTestDevice.OpenMemfdCount(), error);
        });

        Assert.That(message, Does.Contain("GL_EXT_memory_object"));
        Assert.That(after, Is.EqualTo(before), "the exported fd must not leak when GL cannot take it");
    }

    [Test]
    public void A_ring_on_a_GL_without_memory_objects_fails_naming_the_extension()
    {
        string? message = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            var lacking = GlExternalMemorySupport.FromExtensions(context.Gl, [GlExternalMemorySupport.MemoryObjectExtension]);
            string? error = MessageOf(() => new ExternalMemoryTexture(lacking, vulkan, 32, 32).Dispose());
            return (error, vulkan.LiveObjectCount);
        }).error;

        Assert.That(message, Does.Contain("GL_EXT_memory_object_fd").And.Contain("CPU staging"));
    }

    [Test]
    public void A_missing_Vulkan_loader_names_the_packages_to_install()
    {
        var exception = Assert.Throws<RealtimeGenException>(
            () => VulkanExternalMemoryDevice.Create(loaderLibrary: "libvulkan-not-installed.so.1").Dispose());

        Assert.That(exception!.Message, Does.Contain("libvulkan-not-installed.so.1").And.Contain("mesa-vulkan-drivers"));
    }

    [Test]
    public void A_Vulkan_device_that_is_not_GLs_is_refused_by_UUID()
    {
        try
        {
            VulkanExternalMemoryDevice.Create().Dispose();
        }
        catch (RealtimeGenException exception)
        {
            Assert.Ignore($"No Vulkan device here: {exception.Message}");
        }

        byte[] foreign = [.. Enumerable.Repeat((byte)0xEE, 16)];
        var refused = Assert.Throws<RealtimeGenException>(() => VulkanExternalMemoryDevice.Create(foreign).Dispose());

        Assert.That(refused!.Message, Does.Contain(Convert.ToHexString(foreign)).And.Contain("same driver"));
    }

    [Test]
    public void Lavapipe_and_llvmpipe_report_the_same_device_UUID()
    {
        (string renderer, bool same, string vulkanName) = VulkanTestDevice.Run((context, support, vulkan) =>
            (support.Renderer, support.RunsOnDevice(vulkan.DeviceUuid), vulkan.DeviceName));

        Assert.That(same, Is.True, $"GL '{renderer}' and Vulkan '{vulkanName}'");
    }

    [Test]
    public void A_GL_buffer_over_imported_memory_fails_clearly_on_llvmpipe()
    {
        (string renderer, string? message, uint memoryAfter) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            GL gl = context.Gl;
            using VulkanExportedImage image = vulkan.CreateImage(64, 64);
            var memory = GlMemoryObject.ImportFd(support, image.ExportFd(), image.AllocationSize, dedicated: true);
            string? error;

            // The failure is the expected outcome here: keep it out of the debug log that fails GL tests.
            gl.Disable(EnableCap.DebugOutput);
            try
            {
                error = MessageOf(() => GlExternalBuffer.Create(memory, image.AllocationSize).Dispose());
            }
            finally
            {
                gl.Enable(EnableCap.DebugOutput);
            }

            memory.Dispose();
            return (support.Renderer, error, memory.Name);
        });

        if (!renderer.Contains("llvmpipe", StringComparison.Ordinal))
        {
            Assert.Ignore($"Checks llvmpipe's refusal; this GL is '{renderer}'.");
        }

        Assert.That(message, Does.Contain("OutOfMemory").And.Contain("GlExternalTexture"));
        Assert.That(memoryAfter, Is.Zero, "the failed buffer must not keep the memory object alive");
    }

    [Test]
    public void A_semaphore_import_without_GL_EXT_semaphore_names_it_and_closes_the_fd()
    {
        (bool hasSemaphores, string? message, int before, int after) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            using VulkanExportedImage image = vulkan.CreateImage(8, 8);
            var lacking = GlExternalMemorySupport.FromExtensions(context.Gl, [GlExternalMemorySupport.MemoryObjectExtension]);
            int countBefore = VulkanTestDevice.OpenMemfdCount();

            // Any fd will do for the refusal: GL must close it, since it never took it.
            string? error = MessageOf(() => GlSemaphore.ImportFd(lacking, image.ExportFd()).Dispose());
            return (support.HasSemaphores, error, countBefore, VulkanTestDevice.OpenMemfdCount());
        });

        Assert.That(message, Does.Contain("GL_EXT_semaphore and GL_EXT_semaphore_fd").And.Contain("fences"));
        Assert.That(after, Is.EqualTo(before));
        TestContext.Out.WriteLine($"This GL has GL_EXT_semaphore: {hasSemaphores}");
    }

    private static string? MessageOf(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (RealtimeGenException exception)
        {
            return exception.Message;
        }
    }
}
