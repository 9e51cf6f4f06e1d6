using Microsoft.Extensions.Logging;

namespace RealtimeGen.Engine.Platform;

/// <summary>Creates the graphics context that fits the machine: a window when a display exists, otherwise headless.</summary>
/// <remarks>Call on the thread that will be the GL thread; the returned context is current there.</remarks>
public static partial class GraphicsContextFactory
{
    /// <summary>Creates a context as <paramref name="options"/> asks, reading the display variables of this process.</summary>
    /// <exception cref="RealtimeGenException">A forced mode is impossible here (no display for a window, or a native
    /// library missing), with a message naming the fix.</exception>
    public static IGraphicsContext Create(GraphicsContextOptions options) =>
        Create(options, Environment.GetEnvironmentVariable);

    /// <summary>Creates a context, looking display variables (DISPLAY, WAYLAND_DISPLAY) up through
    /// <paramref name="environment"/>: for hosts and tests that decide what the process sees.</summary>
    /// <exception cref="RealtimeGenException">A forced mode is impossible here, with a message naming the fix.</exception>
    public static IGraphicsContext Create(GraphicsContextOptions options, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        string? display = DescribeDisplay(environment);
        switch (options.Mode)
        {
            case GraphicsContextMode.Headless:
                return new EglHeadlessContext(options);

            case GraphicsContextMode.Windowed:
                if (display is null)
                {
                    throw new RealtimeGenException(
                        "A window was requested (--windowed), but there is no display: neither DISPLAY nor " +
                        "WAYLAND_DISPLAY is set. Run it from a desktop session, run it under a virtual display " +
                        "(xvfb-run from the Debian package xvfb), or render headless (--headless).");
                }

                return new GlfwWindowContext(options, display);

            case GraphicsContextMode.Auto:
                if (display is not null)
                {
                    try
                    {
                        return new GlfwWindowContext(options, display);
                    }
                    catch (RealtimeGenException exception)
                    {
                        if (options.Logger is { } logger)
                        {
                            LogWindowFallback(logger, display, exception.Message);
                        }
                    }
                }

                return new EglHeadlessContext(options);

            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Mode, "Unknown GraphicsContextMode.");
        }
    }

    /// <summary>"DISPLAY=:0" style description of the display the environment names, or null without one.</summary>
    internal static string? DescribeDisplay(Func<string, string?> environment)
    {
        string? x11 = environment("DISPLAY");
        if (!string.IsNullOrEmpty(x11))
        {
            return $"DISPLAY={x11}";
        }

        string? wayland = environment("WAYLAND_DISPLAY");
        return string.IsNullOrEmpty(wayland) ? null : $"WAYLAND_DISPLAY={wayland}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No window on {Display}, rendering headless instead: {Reason}")]
    private static partial void LogWindowFallback(ILogger logger, string display, string reason);
}
