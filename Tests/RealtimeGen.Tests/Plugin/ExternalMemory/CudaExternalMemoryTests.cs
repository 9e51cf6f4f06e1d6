using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Plugin.ExternalMemory;

public class CudaExternalMemoryTests
{
    [Test]
    public void Importing_into_CUDA_without_a_CUDA_runtime_names_the_library_and_package()
    {
        try
        {
            CudaRuntime.Require();
            Assert.Ignore("This machine has a CUDA runtime and device.");
        }
        catch (RealtimeGenException)
        {
            // Expected here: the import below must fail the same clear way.
        }

        (string? message, int before, int after) = VulkanTestDevice.Run((context, support, vulkan) =>
        {
            using var image = vulkan.CreateImage(16, 16);
            int countBefore = VulkanTestDevice.OpenMemfdCount();
            string? error = null;
            try
            {
                CudaExternalMemory.ImportFd(image.ExportFd(), image.AllocationSize, dedicated: true).Dispose();
            }
            catch (RealtimeGenException exception)
            {
                error = exception.Message;
            }

            return (error, countBefore, VulkanTestDevice.OpenMemfdCount());
        });

        Assert.That(after, Is.EqualTo(before), "the fd CUDA did not take is closed");
        Assert.That(message, Does.Contain(CudaRuntime.LibraryNames[0]).And.Contain("Microsoft.ML.OnnxRuntime.Gpu"));
    }
}
