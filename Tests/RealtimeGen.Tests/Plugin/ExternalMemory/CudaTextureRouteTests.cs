using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Plugin.ExternalMemory;

public class CudaTextureRouteTests
{
    [Test]
    public void Without_CUDA_the_route_fails_clearly_before_allocating_anything()
    {
        (string? message, int live, TextureSinkKind kind) = GlTestHost.Run<(string?, int, TextureSinkKind)>(context =>
        {
            using TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.VulkanExternalMemory, context.Gl);
            if (selection.Vulkan is null)
            {
                return (null, -1, selection.Kind);
            }

            try
            {
                CudaTextureRoute.Create(selection, 64, 64).Dispose();
                return (null, selection.Vulkan.LiveObjectCount, selection.Kind);
            }
            catch (RealtimeGenException exception)
            {
                return (exception.Message, selection.Vulkan.LiveObjectCount, selection.Kind);
            }
        });

        if (live < 0)
        {
            Assert.Ignore($"No Vulkan device here ({kind}).");
        }

        if (message is null)
        {
            Assert.Ignore("This machine has CUDA sharing memory with GL: the route was built.");
        }

        Assert.That(message, Does.Contain("CUDA runtime"));
        Assert.That(live, Is.Zero, "no Vulkan buffer may outlive the failed route");
    }
}
