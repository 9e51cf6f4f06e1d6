using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.ExternalMemory;

namespace RealtimeGen.Tests.Plugin.ExternalMemory;

public class DirectMLDeviceTests
{
    [Test]
    public void Creating_the_DirectML_device_off_Windows_names_what_is_missing()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Checks the refusal on a machine without D3D12.");
        }

        // The presence check runs before any native call, so nothing is allocated; the route and its shared outputs
        // can only be made on a device, so they refuse the same way.
        var exception = Assert.Throws<RealtimeGenException>(() => DirectMLDevice.Create().Dispose());

        Assert.That(exception!.Message, Does.Contain("DirectML texture route needs Windows").And.Contain("d3d12.dll").And.Contain("DirectML.dll"));
    }

    [Test]
    public void A_negative_adapter_index_is_refused_before_anything_is_made() =>
        Assert.That(() => DirectMLDevice.Create(-1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("adapterIndex"));
}
