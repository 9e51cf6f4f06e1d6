using System.Runtime.InteropServices;

namespace RealtimeGen.Engine.Platform.Native;

/// <summary>Turns a native library that does not load into a <see cref="RealtimeGenException"/> that names the
/// Debian packages providing it, before any binding to it is called.</summary>
internal static class NativeDependency
{
    public const string EglPackages = "libegl1 libegl-mesa0 libgl1-mesa-dri";
    public const string GlfwPackages = "libglfw3";

    public static void Require(string library, string debianPackages, string purpose)
    {
        if (NativeLibrary.TryLoad(library, out nint handle))
        {
            // The loader keeps its own reference; this one was only a probe.
            NativeLibrary.Free(handle);
            return;
        }

        throw new RealtimeGenException(
            $"{purpose} needs the native library '{library}', which could not be loaded. " +
            $"Install it with: sudo apt-get install {debianPackages}");
    }
}
