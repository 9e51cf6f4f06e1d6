namespace RealtimeGen.Engine.Platform.Native;

/// <summary>
/// GLFW's process-wide initialisation, counted so that several windows (or a window and a failed attempt) share one
/// <c>glfwInit</c>/<c>glfwTerminate</c> pair: glfwTerminate destroys every window.
/// </summary>
/// <remarks>Thread-safe counting; GLFW itself must then be used from the GL thread.</remarks>
internal static class GlfwLibrary
{
    private static readonly Lock Gate = new();
    private static int _users;

    /// <summary>Initialises GLFW if this is the first user.</summary>
    /// <exception cref="RealtimeGenException">libglfw.so.3 is missing or GLFW cannot reach the display.</exception>
    public static void Acquire(string displayDescription)
    {
        lock (Gate)
        {
            if (_users == 0)
            {
                NativeDependency.Require(Glfw.Library, NativeDependency.GlfwPackages, "A window (GLFW)");
                if (Glfw.Init() != Glfw.True)
                {
                    throw new RealtimeGenException(
                        $"GLFW could not initialise on display {displayDescription}: {Glfw.LastErrorText()}. " +
                        "Check that the display server is running and reachable, or run headless (--headless).");
                }
            }

            _users++;
        }
    }

    /// <summary>Terminates GLFW when the last user lets go.</summary>
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
                Glfw.Terminate();
            }
        }
    }
}
