namespace RealtimeGen.Engine.Platform;

/// <summary>How <see cref="GraphicsContextFactory"/> picks a graphics context.</summary>
public enum GraphicsContextMode
{
    /// <summary>A window when a display exists (DISPLAY or WAYLAND_DISPLAY set and GLFW initialises), otherwise headless.</summary>
    Auto = 0,

    /// <summary>Always headless EGL (what a <c>--headless</c> flag maps to).</summary>
    Headless = 1,

    /// <summary>Always a GLFW window; without a display this is an error, never a silent fallback.</summary>
    Windowed = 2,
}
