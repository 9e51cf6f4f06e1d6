using System.Runtime.InteropServices;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>Closes NT handles that exporters hand out on Windows: importers (GL, CUDA) never take ownership of them.</summary>
public static partial class NtHandle
{
    /// <summary>Closes <paramref name="handle"/>; errors are not actionable at that point and are ignored.</summary>
    public static void Close(nint handle)
    {
        if (handle != 0 && OperatingSystem.IsWindows())
        {
            _ = CloseHandle(handle);
        }
    }

    [LibraryImport("kernel32.dll")]
    private static partial int CloseHandle(nint handle);
}
