using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.Rendering;

/// <summary>A 2D texture with immutable storage (glTextureStorage2D): size, format and mip levels are fixed at
/// construction; owns the GL texture.</summary>
/// <remarks>
/// Create, use and dispose on the GL thread. Resizing means creating a new <see cref="Texture2D"/> and disposing the
/// old one: immutable storage cannot change size, which is what lets the driver skip completeness checks. Pixel data
/// is rows of tightly packed pixels, first row at v = 0 (an image's top row when uploaded top-down). Default sampling:
/// trilinear when there are mip levels, bilinear otherwise; repeat wrapping.
/// </remarks>
public sealed class Texture2D : IDisposable
{
    private readonly GL _gl;
    private readonly GlThread _glThread = GlThread.Current;
    private uint _handle;

    /// <summary>Allocates storage.</summary>
    /// <param name="gl">The GL of the current context.</param>
    /// <param name="width">Width of level 0 in pixels.</param>
    /// <param name="height">Height of level 0 in pixels.</param>
    /// <param name="mipLevels">Mip levels to allocate; 0 means the full chain down to 1×1.</param>
    /// <param name="format">Sized internal format; RGBA8 unless given.</param>
    public Texture2D(GL gl, int width, int height, int mipLevels = 0, SizedInternalFormat format = SizedInternalFormat.Rgba8)
    {
        ArgumentNullException.ThrowIfNull(gl);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        int fullChain = FullMipChainLength(width, height);
        ArgumentOutOfRangeException.ThrowIfNegative(mipLevels);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(mipLevels, fullChain);
        _gl = gl;
        Width = width;
        Height = height;
        MipLevels = mipLevels == 0 ? fullChain : mipLevels;
        Format = format;
        _handle = gl.CreateTexture(TextureTarget.Texture2D);
        gl.TextureStorage2D(_handle, (uint)MipLevels, format, (uint)width, (uint)height);
        SetSampling(
            MipLevels > 1 ? TextureMinFilter.LinearMipmapLinear : TextureMinFilter.Linear,
            TextureMagFilter.Linear,
            TextureWrapMode.Repeat);
    }

    /// <summary>Width of level 0 in pixels.</summary>
    public int Width { get; }

    /// <summary>Height of level 0 in pixels.</summary>
    public int Height { get; }

    /// <summary>Number of allocated mip levels.</summary>
    public int MipLevels { get; }

    /// <summary>Sized internal format of the storage.</summary>
    public SizedInternalFormat Format { get; }

    /// <summary>The GL texture name; 0 after disposal.</summary>
    public uint Handle => _handle;

    /// <summary>Mip levels of a full chain for a size: floor(log2(max(width, height))) + 1.</summary>
    public static int FullMipChainLength(int width, int height) => 32 - int.LeadingZeroCount(Math.Max(width, height));

    /// <summary>Width of mip <paramref name="level"/>.</summary>
    public int LevelWidth(int level) => Math.Max(1, Width >> level);

    /// <summary>Height of mip <paramref name="level"/>.</summary>
    public int LevelHeight(int level) => Math.Max(1, Height >> level);

    /// <summary>Replaces a whole mip level with RGBA8 pixels (4 bytes per pixel); GL converts them to
    /// <see cref="Format"/>.</summary>
    public void Upload(ReadOnlySpan<byte> rgba, int level = 0) =>
        UploadRegion(rgba, 0, 0, LevelWidth(level), LevelHeight(level), level);

    /// <summary>Replaces a rectangle of a mip level with RGBA8 pixels, rows of <paramref name="width"/> pixels.</summary>
    public unsafe void UploadRegion(ReadOnlySpan<byte> rgba, int x, int y, int width, int height, int level = 0)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        CheckRegion(x, y, width, height, level);
        long needed = (long)width * height * 4;
        if (rgba.Length != needed)
        {
            throw new ArgumentException($"Expected {needed} bytes of RGBA8 for {width}x{height}; got {rgba.Length}.", nameof(rgba));
        }

        _gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
        fixed (byte* pixels = rgba)
        {
            _gl.TextureSubImage2D(_handle, level, x, y, (uint)width, (uint)height, PixelFormat.Rgba, PixelType.UnsignedByte, pixels);
        }
    }

    /// <summary>Replaces a rectangle of a mip level from RGBA8 pixels in a pixel-unpack buffer, without a CPU copy.</summary>
    /// <param name="pixelUnpackBuffer">GL buffer holding the pixels; it is bound to GL_PIXEL_UNPACK_BUFFER and unbound after.</param>
    /// <param name="byteOffset">Offset of the first pixel in the buffer.</param>
    /// <param name="x">Left column of the rectangle.</param>
    /// <param name="y">First row of the rectangle.</param>
    /// <param name="width">Rectangle width; rows in the buffer are this many pixels, tightly packed.</param>
    /// <param name="height">Rectangle height.</param>
    /// <param name="level">Mip level.</param>
    public unsafe void UploadFromPixelBuffer(uint pixelUnpackBuffer, nint byteOffset, int x, int y, int width, int height, int level = 0)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        CheckRegion(x, y, width, height, level);
        _gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
        _gl.BindBuffer(BufferTargetARB.PixelUnpackBuffer, pixelUnpackBuffer);
        _gl.TextureSubImage2D(_handle, level, x, y, (uint)width, (uint)height, PixelFormat.Rgba, PixelType.UnsignedByte, (void*)byteOffset);
        _gl.BindBuffer(BufferTargetARB.PixelUnpackBuffer, 0);
    }

    /// <summary>Recomputes levels 1 and up from level 0.</summary>
    public void GenerateMipmaps()
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        if (MipLevels > 1)
        {
            _gl.GenerateTextureMipmap(_handle);
        }
    }

    /// <summary>Reads a whole mip level back as RGBA8 (glGetTextureImage), first row at v = 0.</summary>
    public unsafe void ReadPixels(Span<byte> rgba, int level = 0)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(level, MipLevels);
        long needed = (long)LevelWidth(level) * LevelHeight(level) * 4;
        if (rgba.Length != needed)
        {
            throw new ArgumentException($"Expected a {needed}-byte destination for level {level}; got {rgba.Length}.", nameof(rgba));
        }

        _gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
        fixed (byte* pixels = rgba)
        {
            _gl.GetTextureImage(_handle, level, PixelFormat.Rgba, PixelType.UnsignedByte, (uint)rgba.Length, pixels);
        }
    }

    /// <summary>Sets filtering and wrapping (both axes).</summary>
    public void SetSampling(TextureMinFilter minFilter, TextureMagFilter magFilter, TextureWrapMode wrap)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        _gl.TextureParameter(_handle, TextureParameterName.TextureMinFilter, (int)minFilter);
        _gl.TextureParameter(_handle, TextureParameterName.TextureMagFilter, (int)magFilter);
        _gl.TextureParameter(_handle, TextureParameterName.TextureWrapS, (int)wrap);
        _gl.TextureParameter(_handle, TextureParameterName.TextureWrapT, (int)wrap);
    }

    /// <summary>Binds the texture to a texture unit for sampling.</summary>
    public void Bind(uint unit)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        _gl.BindTextureUnit(unit, _handle);
    }

    /// <summary>Deletes the texture; call on the GL thread.</summary>
    public void Dispose()
    {
        if (_handle == 0 || !_glThread.CheckDisposeThread(nameof(Texture2D)))
        {
            return;
        }

        _gl.DeleteTexture(_handle);
        _handle = 0;
    }

    private void CheckRegion(int x, int y, int width, int height, int level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(level, MipLevels);
        if (x < 0 || y < 0 || width < 1 || height < 1 || x + width > LevelWidth(level) || y + height > LevelHeight(level))
        {
            throw new ArgumentOutOfRangeException(nameof(width),
                $"Region ({x},{y}) {width}x{height} is outside level {level} ({LevelWidth(level)}x{LevelHeight(level)}).");
        }
    }
}
