using System.Runtime.InteropServices;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>The one libc call the fd hand-over needs: closing a descriptor nobody took ownership of.</summary>
internal static partial class PosixFile
{
    /// <summary>Closes <paramref name="fd"/>; errors are not actionable at that point and are ignored.</summary>
    public static void Close(int fd)
    {
        if (fd >= 0 && !OperatingSystem.IsWindows())
        {
            _ = NativeClose(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int NativeClose(int fd);
}
