using Microsoft.Extensions.Logging;
using RealtimeGen.Engine.Platform.Native;
using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.Platform;

/// <summary>
/// A desktop OpenGL 4.5 core context without a window: EGL on Mesa's surfaceless platform (llvmpipe on a machine
/// without a GPU). A frame is drawn into <see cref="DefaultFramebuffer"/>, an offscreen framebuffer this context
/// owns (RGBA8 colour and depth-stencil renderbuffers at <see cref="Width"/>×<see cref="Height"/>).
/// </summary>
/// <remarks>
/// The constructor makes the context current on the calling thread, which becomes the GL thread; every member must
/// be called there. A surfaceless context has no framebuffer 0 to draw into, hence the owned offscreen one, which
/// <see cref="Resize"/> replaces. Input is empty unless posted to <see cref="Input"/> (scripted input).
/// </remarks>
public sealed partial class EglHeadlessContext : IGraphicsContext
{
    private readonly nint _display;
    private readonly nint _context;
    private readonly GlDebugMessenger? _debugMessenger;
    private uint _framebuffer;
    private uint _colorBuffer;
    private uint _depthBuffer;
    private bool _closeRequested;
    private bool _disposed;

    /// <summary>Creates the context and its offscreen framebuffer and makes it current on this thread.</summary>
    /// <exception cref="RealtimeGenException">EGL or Mesa is missing, or GL 4.5 core is unavailable.</exception>
    public EglHeadlessContext(GraphicsContextOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Height, 1);

        _display = EglDisplay.Acquire();
        try
        {
            _context = CreateContext(_display, options.Debug);
            if (Egl.MakeCurrent(_display, 0, 0, _context) != Egl.True)
            {
                int error = Egl.GetError();
                _ = Egl.DestroyContext(_display, _context);
                throw new RealtimeGenException(
                    $"eglMakeCurrent without a surface failed with {Egl.ErrorName(error)}; EGL_KHR_surfaceless_context " +
                    $"is required (Mesa has it): sudo apt-get install {NativeDependency.EglPackages}");
            }
        }
        catch
        {
            EglDisplay.Release();
            throw;
        }

        Gl = GL.GetApi(Egl.GetProcAddress);
        Title = options.Title;
        VSync = options.VSync;
        try
        {
            CreateFramebuffer(options.Width, options.Height);
            if (options.Debug && options.Logger is not null)
            {
                _debugMessenger = new GlDebugMessenger(Gl, options.Logger);
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        if (options.Logger is { } logger && logger.IsEnabled(LogLevel.Information))
        {
            string renderer = Gl.GetStringS(StringName.Renderer);
            string version = Gl.GetStringS(StringName.Version);
            LogCreated(logger, renderer, version, Width, Height);
        }
    }

    /// <inheritdoc/>
    public GL Gl { get; }

    /// <inheritdoc/>
    public bool IsHeadless => true;

    /// <inheritdoc/>
    public uint DefaultFramebuffer => _framebuffer;

    /// <inheritdoc/>
    public int Width { get; private set; }

    /// <inheritdoc/>
    public int Height { get; private set; }

    /// <inheritdoc/>
    public event Action<int, int>? Resized;

    /// <inheritdoc/>
    public bool ShouldClose => _closeRequested;

    /// <inheritdoc/>
    public bool VSync { get; set; }

    /// <inheritdoc/>
    public KeyboardInput Input { get; } = new();

    /// <inheritdoc/>
    public string Title { get; set; }

    /// <summary>The GL debug messenger installed when <see cref="GraphicsContextOptions.Debug"/> and a logger were given.</summary>
    public GlDebugMessenger? DebugMessenger => _debugMessenger;

    /// <inheritdoc/>
    public void RequestClose() => _closeRequested = true;

    /// <inheritdoc/>
    public void PollEvents()
    {
        // No window system: nothing arrives except what callers post to Input.
    }

    /// <inheritdoc/>
    public void Present()
    {
        // Nothing to show; the frame stays in DefaultFramebuffer for read-back.
    }

    /// <summary>
    /// Replaces the offscreen framebuffer with one of the new size (contents are lost; <see cref="DefaultFramebuffer"/>
    /// gets a new name) and raises <see cref="IGraphicsContext.Resized"/>. Does nothing when the size is unchanged.
    /// </summary>
    public void Resize(int width, int height)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (width == Width && height == Height)
        {
            return;
        }

        DeleteFramebuffer();
        CreateFramebuffer(width, height);
        Resized?.Invoke(width, height);
    }

    /// <summary>Makes this context current on the calling thread, which must not have another context current and
    /// which becomes the GL thread; the previous GL thread must have released it (EGL allows one thread at a time).</summary>
    public void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Egl.MakeCurrent(_display, 0, 0, _context) != Egl.True)
        {
            throw new InvalidOperationException(
                $"eglMakeCurrent failed with {Egl.ErrorName(Egl.GetError())}; the context is probably still current on another thread.");
        }
    }

    /// <summary>Releases the context from the calling thread so that another thread can make it current.</summary>
    public void ReleaseCurrent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Releasing fails only for a context current elsewhere, which is then not this thread's to release.
        _ = Egl.MakeCurrent(_display, 0, 0, 0);
    }

    /// <summary>Deletes the offscreen framebuffer and destroys the context; call on the GL thread after disposing
    /// every GL object created with it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        bool current = Egl.GetCurrentContext() == _context;
        if (current)
        {
            _debugMessenger?.Dispose();
            DeleteFramebuffer();
            _ = Egl.MakeCurrent(_display, 0, 0, 0);
        }

        // Teardown results are not actionable. Destroying a context current elsewhere only marks it; EGL frees it
        // once that thread lets go.
        _ = Egl.DestroyContext(_display, _context);
        Gl.Dispose();
        EglDisplay.Release();
    }

    private static unsafe nint CreateContext(nint display, bool debug)
    {
        if (Egl.BindApi(Egl.OpenGLApi) != Egl.True)
        {
            throw new RealtimeGenException(
                $"EGL cannot bind desktop OpenGL (eglBindAPI: {Egl.ErrorName(Egl.GetError())}); Mesa's GL driver is " +
                $"needed: sudo apt-get install {NativeDependency.EglPackages}");
        }

        // Surfaceless configs offer pbuffers, not windows; EGL_SURFACE_TYPE defaults to EGL_WINDOW_BIT.
        int* configAttributes = stackalloc int[] { Egl.SurfaceType, Egl.PbufferBit, Egl.RenderableType, Egl.OpenGLBit, Egl.None };
        nint config;
        if (Egl.ChooseConfig(display, configAttributes, &config, 1, out int configCount) != Egl.True || configCount < 1)
        {
            throw new RealtimeGenException(
                $"EGL offers no desktop-OpenGL config on the surfaceless display ({Egl.ErrorName(Egl.GetError())}). " +
                $"Install Mesa's GL driver: sudo apt-get install {NativeDependency.EglPackages}");
        }

        int* contextAttributes = stackalloc int[]
        {
            Egl.ContextMajorVersion, 4,
            Egl.ContextMinorVersion, 5,
            Egl.ContextOpenGLProfileMask, Egl.ContextOpenGLCoreProfileBit,
            Egl.ContextOpenGLDebug, debug ? Egl.True : 0,
            Egl.None,
        };
        nint context = Egl.CreateContext(display, config, 0, contextAttributes);
        if (context == 0)
        {
            throw new RealtimeGenException(
                $"EGL could not create a desktop OpenGL 4.5 core context ({Egl.ErrorName(Egl.GetError())}). " +
                $"Mesa 20 or newer provides it in software (llvmpipe): sudo apt-get install {NativeDependency.EglPackages}");
        }

        return context;
    }

    private void CreateFramebuffer(int width, int height)
    {
        _colorBuffer = Gl.CreateRenderbuffer();
        Gl.NamedRenderbufferStorage(_colorBuffer, InternalFormat.Rgba8, (uint)width, (uint)height);
        _depthBuffer = Gl.CreateRenderbuffer();
        Gl.NamedRenderbufferStorage(_depthBuffer, InternalFormat.Depth24Stencil8, (uint)width, (uint)height);
        _framebuffer = Gl.CreateFramebuffer();
        Gl.NamedFramebufferRenderbuffer(_framebuffer, FramebufferAttachment.ColorAttachment0, RenderbufferTarget.Renderbuffer, _colorBuffer);
        Gl.NamedFramebufferRenderbuffer(_framebuffer, FramebufferAttachment.DepthStencilAttachment, RenderbufferTarget.Renderbuffer, _depthBuffer);
        var status = (GLEnum)Gl.CheckNamedFramebufferStatus(_framebuffer, FramebufferTarget.Framebuffer);
        if (status != GLEnum.FramebufferComplete)
        {
            DeleteFramebuffer();
            throw new RealtimeGenException(
                $"The headless offscreen framebuffer ({width}x{height}, RGBA8 + DEPTH24_STENCIL8) is incomplete: {status}. " +
                "Try a smaller size (GL_MAX_RENDERBUFFER_SIZE bounds it).");
        }

        Width = width;
        Height = height;

        // Bound once so code that draws to "the current framebuffer" lands here; the renderer binds it explicitly too.
        Gl.BindFramebuffer(FramebufferTarget.Framebuffer, _framebuffer);
        Gl.Viewport(0, 0, (uint)width, (uint)height);
    }

    private void DeleteFramebuffer()
    {
        Gl.DeleteFramebuffer(_framebuffer);
        Gl.DeleteRenderbuffer(_colorBuffer);
        Gl.DeleteRenderbuffer(_depthBuffer);
        _framebuffer = 0;
        _colorBuffer = 0;
        _depthBuffer = 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Headless EGL context: {Renderer}, GL {Version}, {Width}x{Height} offscreen framebuffer")]
    private static partial void LogCreated(ILogger logger, string renderer, string version, int width, int height);
}
