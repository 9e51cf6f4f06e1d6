using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.ExternalMemory;

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

        var exception = Assert.Throws<RealtimeGenException>(() => CudaExternalMemory.ImportFd(fd: 0, size: 4096, dedicated: true).Dispose());

        Assert.That(exception!.Message, Does.Contain(CudaRuntime.LibraryNames[0]).And.Contain("Microsoft.ML.OnnxRuntime.Gpu"));
    }
}
