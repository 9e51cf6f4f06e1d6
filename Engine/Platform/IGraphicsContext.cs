using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.Platform;

/// <summary>
/// An OpenGL 4.5 core context with somewhere to draw a frame: a GLFW window, or an offscreen framebuffer when headless.
/// </summary>
/// <remarks>
/// The context is current on the thread that created it, and that thread is the GL thread: every member, and every
/// GL call through <see cref="Gl"/>, must be made there. Disposing the context deletes the objects it owns (the
/// headless framebuffer); GL objects created by callers must be disposed before it.
/// </remarks>
public interface IGraphicsContext : IDisposable
{
    /// <summary>The GL entry points of this context.</summary>
    GL Gl { get; }

    /// <summary>True for the EGL context, which has no window, no input and a no-op <see cref="Present"/>.</summary>
    bool IsHeadless { get; }

    /// <summary>
    /// GL name of the framebuffer a frame is drawn into: 0 (the window's back buffer) for a window, or the
    /// context's own offscreen framebuffer (RGBA8 colour, 24-bit depth, 8-bit stencil) when headless.
    /// </summary>
    /// <remarks>It can change when the framebuffer is resized; read it each frame rather than caching it.</remarks>
    uint DefaultFramebuffer { get; }

    /// <summary>Width of <see cref="DefaultFramebuffer"/> in pixels.</summary>
    int Width { get; }

    /// <summary>Height of <see cref="DefaultFramebuffer"/> in pixels.</summary>
    int Height { get; }

    /// <summary>
    /// Raised on the GL thread with the new (width, height) after the framebuffer changed size; from
    /// <see cref="PollEvents"/> for a window. Polling <see cref="Width"/>/<see cref="Height"/> works as well.
    /// </summary>
    event Action<int, int>? Resized;

    /// <summary>True once the user closed the window or <see cref="RequestClose"/> was called.</summary>
    bool ShouldClose { get; }

    /// <summary>Asks the frame loop to stop; <see cref="ShouldClose"/> becomes true.</summary>
    void RequestClose();

    /// <summary>Processes window events: fills <see cref="Input"/>, updates the size and <see cref="ShouldClose"/>.</summary>
    void PollEvents();

    /// <summary>Shows the frame (swaps buffers); does nothing headless.</summary>
    void Present();

    /// <summary>Whether <see cref="Present"/> waits for vertical blank; stored but without effect headless.</summary>
    bool VSync { get; set; }

    /// <summary>Key presses and character input since they were last read; always empty headless unless posted.</summary>
    KeyboardInput Input { get; }

    /// <summary>Window title; headless contexts keep it only for reading back.</summary>
    string Title { get; set; }
}
