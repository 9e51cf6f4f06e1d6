using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.ExternalMemory;

namespace RealtimeGen.Tests.Plugin.ExternalMemory;

public class CudaRuntimeTests
{
    [Test]
    public void Importing_on_another_CUDA_device_than_the_session_names_both()
    {
        var exception = Assert.Throws<RealtimeGenException>(() => CudaRuntime.RequireSameDevice(importDevice: 0, sessionDevice: 1));

        Assert.That(exception!.Message, Does.Contain("CUDA device 0").And.Contain("InferenceOptions.DeviceId 1"));
    }
}
