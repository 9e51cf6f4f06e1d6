using Microsoft.Extensions.Logging;
using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Plugin.ExternalMemory;

public class TextureSinkSelectorTests
{
    [Test]
    public void Staging_asked_for_is_staging_with_no_device()
    {
        (TextureSinkKind kind, bool hasDevice, bool fellBack) = GlTestHost.Run(context =>
        {
            using TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.CpuStaging, context.Gl);
            return (selection.Kind, selection.Vulkan is not null, selection.FellBack);
        });

        Assert.That(kind, Is.EqualTo(TextureSinkKind.CpuStaging));
        Assert.That(hasDevice, Is.False);
        Assert.That(fellBack, Is.False);
    }

    [Test]
    public void The_Vulkan_sink_is_chosen_here_and_the_choice_is_logged()
    {
        var logger = new RecordingLogger();
        (TextureSinkKind kind, string reason, bool hasDevice) = GlTestHost.Run(context =>
        {
            using TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.VulkanExternalMemory, context.Gl, logger);
            return (selection.Kind, selection.Reason, selection.Vulkan is not null);
        });

        if (kind != TextureSinkKind.VulkanExternalMemory)
        {
            Assert.Ignore($"No Vulkan external memory on this machine: {reason}");
        }

        Assert.That(hasDevice, Is.True);
        Assert.That(logger.TextsAtOrAbove(LogLevel.Information), Has.Some.Contains("Texture sink VulkanExternalMemory chosen"));
    }

    [Test]
    public void A_missing_Vulkan_driver_falls_back_to_staging_with_a_warning_naming_the_package()
    {
        var logger = new RecordingLogger();
        (TextureSinkKind kind, bool fellBack, string reason) = GlTestHost.Run(context =>
        {
            using TextureSinkSelection selection = TextureSinkSelector.Select(
                TextureSinkKind.VulkanExternalMemory, context.Gl, logger, vulkanLoader: "libvulkan-not-installed.so.1");
            return (selection.Kind, selection.FellBack, selection.Reason);
        });

        Assert.That(kind, Is.EqualTo(TextureSinkKind.CpuStaging));
        Assert.That(fellBack, Is.True);
        Assert.That(reason, Does.Contain("mesa-vulkan-drivers"));
        Assert.That(logger.TextsAtOrAbove(LogLevel.Warning), Has.Some.Contains("using CpuStaging").And.Some.Contains("mesa-vulkan-drivers"));
    }

    [Test]
    public void A_GL_without_memory_objects_falls_back_to_staging_naming_the_extension()
    {
        (TextureSinkKind kind, string reason) = GlTestHost.Run(context =>
        {
            var lacking = GlExternalMemorySupport.FromExtensions(context.Gl, []);
            using TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.VulkanExternalMemory, lacking, null, null);
            return (selection.Kind, selection.Reason);
        });

        Assert.That(kind, Is.EqualTo(TextureSinkKind.CpuStaging));
        Assert.That(reason, Does.Contain("GL_EXT_memory_object_fd"));
    }

    [Test]
    public void Auto_takes_a_shared_memory_route_when_there_is_one_and_staging_otherwise()
    {
        (TextureSinkKind auto, string autoReason, TextureSinkKind explicitVulkan) = GlTestHost.Run(context =>
        {
            using TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.Auto, context.Gl);
            using TextureSinkSelection vulkan = TextureSinkSelector.Select(TextureSinkKind.VulkanExternalMemory, context.Gl);
            return (selection.Kind, selection.Reason, vulkan.Kind);
        });

        Assert.That(auto, Is.Not.EqualTo(TextureSinkKind.Auto));
        if (explicitVulkan == TextureSinkKind.VulkanExternalMemory)
        {
            Assert.That(auto, Is.AnyOf(TextureSinkKind.Cuda, TextureSinkKind.VulkanExternalMemory), autoReason);
        }
        else
        {
            Assert.That(auto, Is.EqualTo(TextureSinkKind.CpuStaging));
            Assert.That(autoReason, Does.StartWith("no shared-memory route here"));
        }
    }

    [Test]
    public void The_CUDA_route_falls_back_clearly_without_a_CUDA_runtime()
    {
        (TextureSinkKind kind, string reason) = GlTestHost.Run(context =>
        {
            using TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.Cuda, context.Gl);
            return (selection.Kind, selection.Reason);
        });

        if (kind == TextureSinkKind.Cuda)
        {
            Assert.Ignore("This machine has CUDA and a Vulkan device shared with GL.");
        }

        Assert.That(kind, Is.EqualTo(TextureSinkKind.CpuStaging));
        Assert.That(reason, Does.Contain("CUDA").And.Contain(CudaRuntimeName()));
    }

    [Test]
    public void The_DirectML_route_falls_back_clearly_off_Windows()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Checks the non-Windows refusal.");
        }

        (TextureSinkKind kind, string reason) = GlTestHost.Run(context =>
        {
            using TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.DirectML, context.Gl);
            return (selection.Kind, selection.Reason);
        });

        Assert.That(kind, Is.EqualTo(TextureSinkKind.CpuStaging));
        Assert.That(reason, Does.Contain("Windows").And.Contain("d3d12.dll"));
    }

    [TestCase("auto", TextureSinkKind.Auto)]
    [TestCase("staging", TextureSinkKind.CpuStaging)]
    [TestCase("EXTMEM", TextureSinkKind.VulkanExternalMemory)]
    [TestCase("external", TextureSinkKind.VulkanExternalMemory)]
    [TestCase("cuda", TextureSinkKind.Cuda)]
    [TestCase("dml", TextureSinkKind.DirectML)]
    public void Command_line_values_parse(string value, TextureSinkKind expected) =>
        Assert.That(TextureSinkSelector.Parse(value), Is.EqualTo(expected));

    [Test]
    public void An_unknown_command_line_value_names_the_choices()
    {
        var exception = Assert.Throws<RealtimeGenException>(() => TextureSinkSelector.Parse("opengl"));
        Assert.That(exception!.Message, Does.Contain("'opengl'").And.Contain("extmem"));
    }

    private static string CudaRuntimeName() => OperatingSystem.IsWindows() ? "cudart64_12.dll" : "libcudart.so.12";
}
