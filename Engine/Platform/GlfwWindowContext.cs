using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using RealtimeGen.Engine.Platform.Native;
using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.Platform;

/// <summary>A GLFW window (Debian's libglfw.so.3) with an OpenGL 4.5 core context drawing to its back buffer.</summary>
/// <remarks>
/// The constructor makes the context current on the calling thread, which becomes the GL thread; every member must
/// be called there. Key, character and framebuffer-size callbacks arrive during <see cref="PollEvents"/> and go to
/// <see cref="Input"/> without allocating; <see cref="Resized"/> is raised after GLFW returns, never from inside a
/// native callback.
/// </remarks>
public sealed unsafe partial class GlfwWindowContext : IGraphicsContext
{
    private readonly nint _window;
    private readonly GCHandle _self;
    private readonly GlDebugMessenger? _debugMessenger;
    private string _title;
    private bool _vsync;
    private bool _resizePending;
    private int _pendingWidth;
    private int _pendingHeight;
    private bool _disposed;

    /// <summary>Opens the window and makes its context current on this thread.</summary>
    /// <param name="options">Size, title, vsync and debug settings.</param>
    /// <param name="displayDescription">Which display is used, for error messages (e.g. "DISPLAY=:0").</param>
    /// <exception cref="RealtimeGenException">libglfw.so.3 is missing, the display is unreachable, or the driver
    /// offers no OpenGL 4.5 core context.</exception>
    public GlfwWindowContext(GraphicsContextOptions options, string displayDescription = "from the environment")
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Height, 1);

        GlfwLibrary.Acquire(displayDescription);
        try
        {
            Glfw.DefaultWindowHints();
            Glfw.WindowHint(Glfw.ClientApi, Glfw.OpenGLApi);
            Glfw.WindowHint(Glfw.ContextVersionMajor, 4);
            Glfw.WindowHint(Glfw.ContextVersionMinor, 5);
            Glfw.WindowHint(Glfw.OpenGLProfile, Glfw.OpenGLCoreProfile);
            Glfw.WindowHint(Glfw.OpenGLForwardCompat, Glfw.True);
            Glfw.WindowHint(Glfw.OpenGLDebugContext, options.Debug ? Glfw.True : Glfw.False);
            Glfw.WindowHint(Glfw.Resizable, Glfw.True);
            _window = Glfw.CreateWindow(options.Width, options.Height, options.Title, 0, 0);
            if (_window == 0)
            {
                throw new RealtimeGenException(
                    $"GLFW could not open a {options.Width}x{options.Height} window with an OpenGL 4.5 core context: " +
                    $"{Glfw.LastErrorText()}. The GL driver must support 4.5 core (Mesa: sudo apt-get install " +
                    "libgl1-mesa-dri), or run headless (--headless).");
            }
        }
        catch
        {
            GlfwLibrary.Release();
            throw;
        }

        Glfw.MakeContextCurrent(_window);
        _self = GCHandle.Alloc(this);
        Glfw.SetWindowUserPointer(_window, GCHandle.ToIntPtr(_self));
        _ = Glfw.SetKeyCallback(_window, &OnKey);
        _ = Glfw.SetCharCallback(_window, &OnCharacter);
        _ = Glfw.SetFramebufferSizeCallback(_window, &OnFramebufferSize);
        Glfw.GetFramebufferSize(_window, out int width, out int height);
        Width = width;
        Height = height;
        _title = options.Title;

        Gl = GL.GetApi(Glfw.GetProcAddress);
        VSync = options.VSync;
        if (options.Debug && options.Logger is not null)
        {
            _debugMessenger = new GlDebugMessenger(Gl, options.Logger);
        }

        if (options.Logger is { } logger && logger.IsEnabled(LogLevel.Information))
        {
            string renderer = Gl.GetStringS(StringName.Renderer);
            string version = Gl.GetStringS(StringName.Version);
            LogCreated(logger, renderer, version, Width, Height, VSync);
        }
    }

    /// <inheritdoc/>
    public GL Gl { get; }

    /// <inheritdoc/>
    public bool IsHeadless => false;

    /// <inheritdoc/>
    public uint DefaultFramebuffer => 0;

    /// <inheritdoc/>
    public int Width { get; private set; }

    /// <inheritdoc/>
    public int Height { get; private set; }

    /// <inheritdoc/>
    public event Action<int, int>? Resized;

    /// <inheritdoc/>
    public bool ShouldClose => Glfw.WindowShouldClose(_window) == Glfw.True;

    /// <inheritdoc/>
    public bool VSync
    {
        get => _vsync;
        set
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _vsync = value;
            Glfw.SwapInterval(value ? 1 : 0);
        }
    }

    /// <inheritdoc/>
    public KeyboardInput Input { get; } = new();

    /// <inheritdoc/>
    public string Title
    {
        get => _title;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            ObjectDisposedException.ThrowIf(_disposed, this);
            _title = value;
            Glfw.SetWindowTitle(_window, value);
        }
    }

    /// <summary>The GL debug messenger installed when <see cref="GraphicsContextOptions.Debug"/> and a logger were given.</summary>
    public GlDebugMessenger? DebugMessenger => _debugMessenger;

    /// <summary>The native GLFWwindow, for tests driving GLFW directly.</summary>
    internal nint WindowHandle => _window;

    /// <summary>The key callback as GLFW calls it, so tests can feed events through the same path.</summary>
    internal static delegate* unmanaged<nint, int, int, int, int, void> KeyCallback => &OnKey;

    /// <summary>The character callback as GLFW calls it.</summary>
    internal static delegate* unmanaged<nint, uint, void> CharacterCallback => &OnCharacter;

    /// <inheritdoc/>
    public void RequestClose() => Glfw.SetWindowShouldClose(_window, Glfw.True);

    /// <inheritdoc/>
    public void PollEvents()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Glfw.PollEvents();

        // A minimised window reports 0x0; keep the last real size so renderers never see an empty viewport.
        if (_resizePending && _pendingWidth > 0 && _pendingHeight > 0)
        {
            _resizePending = false;
            if (_pendingWidth != Width || _pendingHeight != Height)
            {
                Width = _pendingWidth;
                Height = _pendingHeight;
                Resized?.Invoke(Width, Height);
            }
        }
    }

    /// <inheritdoc/>
    public void Present()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Glfw.SwapBuffers(_window);
    }

    /// <summary>Makes this window's context current on the calling thread, which becomes the GL thread.</summary>
    public void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Glfw.MakeContextCurrent(_window);
    }

    /// <summary>Closes the window and destroys its context; call on the GL thread after disposing every GL object
    /// created with it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _debugMessenger?.Dispose();
        Glfw.SetWindowUserPointer(_window, 0);
        Glfw.DestroyWindow(_window);
        _self.Free();
        Gl.Dispose();
        GlfwLibrary.Release();
    }

    private static GlfwWindowContext? FromWindow(nint window)
    {
        nint pointer = Glfw.GetWindowUserPointer(window);
        return pointer == 0 ? null : GCHandle.FromIntPtr(pointer).Target as GlfwWindowContext;
    }

    [UnmanagedCallersOnly]
    private static void OnKey(nint window, int key, int scancode, int action, int modifiers)
    {
        if (FromWindow(window) is not { } context)
        {
            return;
        }

        InputEventKind kind = action switch
        {
            Glfw.Press => InputEventKind.KeyDown,
            Glfw.Repeat => InputEventKind.KeyRepeat,
            _ => InputEventKind.KeyUp,
        };
        context.Input.Post(InputEvent.ForKey(kind, (Key)key, (KeyModifiers)modifiers));
    }

    [UnmanagedCallersOnly]
    private static void OnCharacter(nint window, uint codepoint)
    {
        if (FromWindow(window) is { } context && Rune.TryCreate(codepoint, out Rune character))
        {
            context.Input.Post(InputEvent.ForCharacter(character));
        }
    }

    [UnmanagedCallersOnly]
    private static void OnFramebufferSize(nint window, int width, int height)
    {
        if (FromWindow(window) is { } context)
        {
            context._pendingWidth = width;
            context._pendingHeight = height;
            context._resizePending = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GLFW window: {Renderer}, GL {Version}, {Width}x{Height}, vsync {VSync}")]
    private static partial void LogCreated(ILogger logger, string renderer, string version, int width, int height, bool vsync);
}
