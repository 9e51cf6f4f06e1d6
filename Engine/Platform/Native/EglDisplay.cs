namespace RealtimeGen.Engine.Platform.Native;

/// <summary>
/// The process's one EGL display on Mesa's surfaceless platform, initialised on first use and terminated when the
/// last headless context lets go of it.
/// </summary>
/// <remarks>
/// EGL hands out the same display handle for the same platform, and eglTerminate invalidates every context on it,
/// so the handle is shared and counted here rather than owned by each context. Thread-safe.
/// </remarks>
internal static class EglDisplay
{
    private static readonly Lock Gate = new();
    private static nint _display;
    private static int _users;

    public static nint Acquire()
    {
        lock (Gate)
        {
            if (_users == 0)
            {
                _display = Open();
            }

            _users++;
            return _display;
        }
    }

    public static void Release()
    {
        lock (Gate)
        {
            if (_users == 0)
            {
                return;
            }

            _users--;
            if (_users == 0)
            {
                // Nothing to do about a failed terminate at teardown.
                _ = Egl.Terminate(_display);
                _display = 0;
            }
        }
    }

    private static nint Open()
    {
        NativeDependency.Require(Egl.Library, NativeDependency.EglPackages, "Headless rendering (EGL)");
        nint display = Egl.GetPlatformDisplay(Egl.PlatformSurfacelessMesa, 0, 0);
        if (display == 0)
        {
            throw new RealtimeGenException(
                $"EGL has no display for Mesa's surfaceless platform (EGL_PLATFORM_SURFACELESS_MESA), error " +
                $"{Egl.ErrorName(Egl.GetError())}. libEGL loaded, but Mesa's EGL vendor library is missing: " +
                $"sudo apt-get install {NativeDependency.EglPackages}");
        }

        if (Egl.Initialize(display, out int major, out int minor) != Egl.True)
        {
            throw new RealtimeGenException(
                $"eglInitialize failed on the surfaceless display with {Egl.ErrorName(Egl.GetError())}; Mesa's " +
                $"drivers are needed: sudo apt-get install {NativeDependency.EglPackages}");
        }

        if (major < 1 || (major == 1 && minor < 5))
        {
            _ = Egl.Terminate(display);
            throw new RealtimeGenException(
                $"EGL 1.5 is required for headless rendering; found EGL {major}.{minor}. " +
                $"Install a current Mesa: sudo apt-get install {NativeDependency.EglPackages}");
        }

        return display;
    }
}
