using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.ExternalMemory;

namespace RealtimeGen.Tests.Support;

/// <summary>
/// Opens the Vulkan device that shares memory with the test GL context, or ignores the test with the reason
/// (the capability check's message, naming the missing package or extension) when this machine has none.
/// </summary>
public static class VulkanTestDevice
{
    /// <summary>Creates the device on GL's device (by UUID); call inside a <see cref="GlTestHost"/> work item.</summary>
    public static VulkanExternalMemoryDevice CreateFor(GlExternalMemorySupport support)
    {
        ArgumentNullException.ThrowIfNull(support);
        if (!support.CanImportMemory(ExternalHandleKind.OpaqueFd))
        {
            Assert.Ignore($"GL on '{support.Renderer}' cannot import fds (GL_EXT_memory_object_fd).");
        }

        try
        {
            return VulkanExternalMemoryDevice.Create(support.DeviceUuids[0]);
        }
        catch (RealtimeGenException exception)
        {
            Assert.Ignore($"No Vulkan device shares memory with GL here: {exception.Message}");
            throw;
        }
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
