using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.Rendering;

/// <summary>An offscreen render target: an RGBA colour texture (sampleable afterwards) and a depth-stencil
/// renderbuffer; owns all three GL objects.</summary>
/// <remarks>Create, use and dispose on the GL thread. Fixed size: to resize, create a new one.</remarks>
public sealed class RenderTarget : IDisposable
{
    private readonly GL _gl;
    private readonly GlThread _glThread = GlThread.Current;
    private uint _handle;
    private uint _depthStencil;

    /// <summary>Allocates the attachments and checks completeness.</summary>
    /// <exception cref="RealtimeGenException">The driver reports the framebuffer incomplete (e.g. too large).</exception>
    public RenderTarget(GL gl, int width, int height, SizedInternalFormat colorFormat = SizedInternalFormat.Rgba8)
    {
        ArgumentNullException.ThrowIfNull(gl);
        _gl = gl;
        ColorTexture = new Texture2D(gl, width, height, 1, colorFormat);
        ColorTexture.SetSampling(TextureMinFilter.Linear, TextureMagFilter.Linear, TextureWrapMode.ClampToEdge);
        _depthStencil = gl.CreateRenderbuffer();
        gl.NamedRenderbufferStorage(_depthStencil, InternalFormat.Depth24Stencil8, (uint)width, (uint)height);
        _handle = gl.CreateFramebuffer();
        gl.NamedFramebufferTexture(_handle, FramebufferAttachment.ColorAttachment0, ColorTexture.Handle, 0);
        gl.NamedFramebufferRenderbuffer(_handle, FramebufferAttachment.DepthStencilAttachment, RenderbufferTarget.Renderbuffer, _depthStencil);
        var status = (GLEnum)gl.CheckNamedFramebufferStatus(_handle, FramebufferTarget.Framebuffer);
        if (status != GLEnum.FramebufferComplete)
        {
            Dispose();
            throw new RealtimeGenException(
                $"An offscreen framebuffer of {width}x{height} ({colorFormat} + DEPTH24_STENCIL8) is incomplete: {status}. " +
                "Use a size within GL_MAX_FRAMEBUFFER_WIDTH/HEIGHT and a colour-renderable format.");
        }
    }

    /// <summary>Width in pixels.</summary>
    public int Width => ColorTexture.Width;

    /// <summary>Height in pixels.</summary>
    public int Height => ColorTexture.Height;

    /// <summary>The colour attachment, owned by this framebuffer; sample it after rendering.</summary>
    public Texture2D ColorTexture { get; }

    /// <summary>The GL framebuffer name; 0 after disposal.</summary>
    public uint Handle => _handle;

    /// <summary>Binds it for drawing and sets the viewport to cover it.</summary>
    public void Bind()
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        _gl.BindFramebuffer(FramebufferTarget.Framebuffer, _handle);
        _gl.Viewport(0, 0, (uint)Width, (uint)Height);
    }

    /// <summary>Reads the colour attachment as RGBA8 in GL's order: the first row is the bottom of the image.</summary>
    public void ReadPixels(Span<byte> rgba)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        Screenshot.ReadPixels(_gl, _handle, Width, Height, rgba);
    }

    /// <summary>Deletes the framebuffer and its attachments; call on the GL thread.</summary>
    public void Dispose()
    {
        if (_handle == 0 && _depthStencil == 0)
        {
            return;
        }

        if (!_glThread.CheckDisposeThread(nameof(RenderTarget)))
        {
            return;
        }

        _gl.DeleteFramebuffer(_handle);
        _gl.DeleteRenderbuffer(_depthStencil);
        ColorTexture.Dispose();
        _handle = 0;
        _depthStencil = 0;
    }
}
