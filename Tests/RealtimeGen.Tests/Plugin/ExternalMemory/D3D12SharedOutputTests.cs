using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.ExternalMemory;

namespace RealtimeGen.Tests.Plugin.ExternalMemory;

public class D3D12SharedOutputTests
{
    [Test]
    public void Creating_the_DirectML_shared_output_off_Windows_names_what_is_missing()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Checks the refusal on a machine without D3D12.");
        }

        var exception = Assert.Throws<RealtimeGenException>(() => D3D12SharedOutput.Create(1024).Dispose());

        Assert.That(exception!.Message, Does.Contain("Windows").And.Contain("d3d12.dll").And.Contain("DirectML.dll"));
    }
}
