using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Engine.Platform;

namespace RealtimeGen.Tests.Support;

/// <summary>
/// Runs GL work with the Vulkan device that shares memory with the test GL context, or ignores the test with the
/// reason (the capability check's message, naming the missing package or extension) when this machine has none.
/// </summary>
public static class VulkanTestDevice
{
    /// <summary>
    /// Runs <paramref name="work"/> on the GL thread with GL's external-memory support and a Vulkan device on GL's
    /// device (matched by UUID), disposing the device after; ignores the test when either is unavailable.
    /// </summary>
    public static T Run<T>(Func<EglHeadlessContext, GlExternalMemorySupport, VulkanExternalMemoryDevice, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        string? unavailable = null;
        T result = GlTestHost.Run(context =>
        {
            var support = GlExternalMemorySupport.Query(context.Gl);
            if (!support.CanImportMemory(ExternalHandleKind.OpaqueFd))
            {
                unavailable = $"GL on '{support.Renderer}' cannot import fds (GL_EXT_memory_object_fd).";
                return default!;
            }

            VulkanExternalMemoryDevice vulkan;
            try
            {
                vulkan = VulkanExternalMemoryDevice.Create(support.RequireDeviceUuid());
            }
            catch (RealtimeGenException exception)
            {
                unavailable = $"No Vulkan device shares memory with GL here: {exception.Message}";
                return default!;
            }

            using (vulkan)
            {
                return work(context, support, vulkan);
            }
        });

        if (unavailable is not null)
        {
            Assert.Ignore(unavailable);
        }

        return result;
    }

    /// <summary>Descriptors of this process that are memfds (lavapipe's exported memory), for leak checks.</summary>
    public static int OpenMemfdCount()
    {
        int count = 0;
        foreach (string entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(entry).LinkTarget is { } target && target.StartsWith("/memfd:", StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // The descriptor closed while being listed (e.g. the enumeration's own handle).
            }
        }

        return count;
    }
}
