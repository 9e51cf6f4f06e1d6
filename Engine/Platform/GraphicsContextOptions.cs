using Microsoft.Extensions.Logging;

namespace RealtimeGen.Engine.Platform;

/// <summary>What a graphics context is created with.</summary>
public sealed record GraphicsContextOptions
{
    /// <summary>Window or headless; see <see cref="GraphicsContextMode"/>.</summary>
    public GraphicsContextMode Mode { get; init; } = GraphicsContextMode.Auto;

    /// <summary>Framebuffer width in pixels: the window's client area, or the headless offscreen framebuffer.</summary>
    public int Width { get; init; } = 1280;

    /// <summary>Framebuffer height in pixels.</summary>
    public int Height { get; init; } = 720;

    /// <summary>Window title; ignored headless.</summary>
    public string Title { get; init; } = "RealtimeGen";

    /// <summary>Whether <see cref="IGraphicsContext.Present"/> waits for vertical blank; ignored headless.</summary>
    public bool VSync { get; init; } = true;

    /// <summary>
    /// Requests a debug GL context and installs a <see cref="GlDebugMessenger"/> that logs GL errors to
    /// <see cref="Logger"/>. On by default in debug builds of the engine.
    /// </summary>
    public bool Debug { get; init; } = IsDebugBuild;

    /// <summary>Where the context reports its choice and GL debug messages; nothing is logged when null.</summary>
    public ILogger? Logger { get; init; }

#if DEBUG
    private const bool IsDebugBuild = true;
#else
    private const bool IsDebugBuild = false;
#endif
}
