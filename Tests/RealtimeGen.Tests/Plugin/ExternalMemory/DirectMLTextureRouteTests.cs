using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Plugin.ExternalMemory;

public class DirectMLTextureRouteTests
{
    [Test]
    public void Off_Windows_the_DirectML_route_fails_clearly()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Checks the refusal on a machine without D3D12.");
        }

        string? message = GlTestHost.Run(context =>
        {
            var support = GlExternalMemorySupport.Query(context.Gl);
            try
            {
                DirectMLTextureRoute.Create(support, 64, 64).Dispose();
                return null;
            }
            catch (RealtimeGenException exception)
            {
                return exception.Message;
            }
        });

        Assert.That(message, Does.Contain("DirectML texture route needs Windows").And.Contain("d3d12.dll"));
    }
}
