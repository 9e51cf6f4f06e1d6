using RealtimeGen.Engine.Rendering;
using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>
/// A 2D texture whose storage is imported memory (glTextureStorageMem2DEXT): what the producer writes into that
/// memory is what GL samples, with no copy. Owns the GL texture and holds a reference on its
/// <see cref="GlMemoryObject"/>.
/// </summary>
/// <remarks>
/// Create, use and dispose on the GL thread. One mip level. Linear tiling matches a linear Vulkan image, whose rows
/// the producer writes at the row pitch Vulkan reports (<c>vkGetImageSubresourceLayout</c>); GL interprets the same
/// layout because both run on the same device and driver. Sampling is bilinear with clamped edges.
/// </remarks>
public sealed class GlExternalTexture : IDisposable
{
    private readonly GL _gl;
    private readonly GlMemoryObject _memory;
    private readonly GlThread _glThread = GlThread.Current;
    private uint _handle;

    private GlExternalTexture(GL gl, GlMemoryObject memory, uint handle, int width, int height, bool linearTiling)
    {
        _gl = gl;
        _memory = memory;
        _handle = handle;
        Width = width;
        Height = height;
        IsLinearTiling = linearTiling;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Whether GL treats the memory as a linear image (else the driver's optimal tiling).</summary>
    public bool IsLinearTiling { get; }

    /// <summary>The GL texture name; 0 after disposal.</summary>
    public uint Handle => _handle;

    /// <summary>Creates an RGBA8 texture over <paramref name="memory"/> starting at <paramref name="offset"/>.</summary>
    /// <param name="memory">The imported memory; it stays alive while this texture exists.</param>
    /// <param name="width">Width in pixels, as the exporter created the image.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="offset">Byte offset of the image in the memory (the exporter's bind offset).</param>
    /// <param name="linearTiling">True for a linear exporter image (the mapped-write producer), false for optimal tiling.</param>
    /// <exception cref="RealtimeGenException">The driver refused storage from the memory object.</exception>
    public static unsafe GlExternalTexture Create(GlMemoryObject memory, int width, int height, ulong offset = 0, bool linearTiling = true)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ObjectDisposedException.ThrowIf(memory.Name == 0, memory);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (offset + ((ulong)width * (ulong)height * 4) > memory.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"A {width}x{height} RGBA8 image at offset {offset} does not fit in the {memory.Size}-byte memory object.");
        }

        GlExternalMemorySupport support = memory.Support;
        GL gl = support.Gl;
        uint handle = gl.CreateTexture(TextureTarget.Texture2D);
        GlErrors.Drain(gl);
        gl.TextureParameter(handle, (TextureParameterName)GlExternalObjectsApi.TextureTiling,
            linearTiling ? GlExternalObjectsApi.LinearTiling : GlExternalObjectsApi.OptimalTiling);
        support.Api.TextureStorageMem2D(handle, 1, (int)SizedInternalFormat.Rgba8, width, height, memory.Name, offset);
        GLEnum error = GlErrors.Take(gl);
        if (error != GLEnum.NoError)
        {
            gl.DeleteTexture(handle);
            throw new RealtimeGenException(
                $"glTextureStorageMem2DEXT failed with {error} for a {width}x{height} RGBA8 {(linearTiling ? "linear" : "optimal")} " +
                $"texture over a {memory.Size}-byte memory object at offset {offset} on '{support.Renderer}'.");
        }

        gl.TextureParameter(handle, TextureParameterName.TextureMinFilter, (int)TextureMinFilter.Linear);
        gl.TextureParameter(handle, TextureParameterName.TextureMagFilter, (int)TextureMagFilter.Linear);
        gl.TextureParameter(handle, TextureParameterName.TextureWrapS, (int)TextureWrapMode.ClampToEdge);
        gl.TextureParameter(handle, TextureParameterName.TextureWrapT, (int)TextureWrapMode.ClampToEdge);
        memory.Retain();
        return new GlExternalTexture(gl, memory, handle, width, height, linearTiling);
    }

    /// <summary>Binds the texture to a texture unit for sampling.</summary>
    public void Bind(uint unit)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        _gl.BindTextureUnit(unit, _handle);
    }

    /// <summary>Reads the texture back as tightly packed RGBA8 rows (glGetTextureImage), first row at v = 0.</summary>
    public unsafe void ReadPixels(Span<byte> rgba)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        long needed = (long)Width * Height * 4;
        if (rgba.Length != needed)
        {
            throw new ArgumentException($"Expected a {needed}-byte destination for {Width}x{Height}; got {rgba.Length}.", nameof(rgba));
        }

        _gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
        fixed (byte* pixels = rgba)
        {
            _gl.GetTextureImage(_handle, 0, PixelFormat.Rgba, PixelType.UnsignedByte, (uint)rgba.Length, pixels);
        }
    }

    /// <summary>Deletes the texture and releases its reference on the memory object; call on the GL thread.</summary>
    public void Dispose()
    {
        if (_handle == 0 || !_glThread.CheckDisposeThread(nameof(GlExternalTexture)))
        {
            return;
        }

        _gl.DeleteTexture(_handle);
        _handle = 0;
        _memory.Release();
    }
}
