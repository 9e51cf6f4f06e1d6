using System.Runtime.InteropServices;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>The one libc call the fd hand-over needs: closing an exported descriptor no importer took ownership of
/// (GL and CUDA own an fd only after a successful import).</summary>
public static partial class PosixFile
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
