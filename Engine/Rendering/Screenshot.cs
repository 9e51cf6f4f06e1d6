using RealtimeGen.Engine.Platform;
using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.Rendering;

/// <summary>Reads a framebuffer back to the CPU and writes it as a PNG, top row first.</summary>
/// <remarks>GL thread only. Reading back stalls until the GPU has finished the frame: for captures, not every frame.</remarks>
public static class Screenshot
{
    /// <summary>Reads the colour of <paramref name="framebuffer"/> as RGBA8 in GL's order (bottom row first).</summary>
    public static unsafe void ReadPixels(GL gl, uint framebuffer, int width, int height, Span<byte> rgba)
    {
        ArgumentNullException.ThrowIfNull(gl);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (rgba.Length != (long)width * height * 4)
        {
            throw new ArgumentException($"Expected a {(long)width * height * 4}-byte destination for {width}x{height}; got {rgba.Length}.", nameof(rgba));
        }

        gl.BindFramebuffer(FramebufferTarget.ReadFramebuffer, framebuffer);
        gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
        fixed (byte* pixels = rgba)
        {
            gl.ReadPixels(0, 0, (uint)width, (uint)height, PixelFormat.Rgba, PixelType.UnsignedByte, pixels);
        }
    }

    /// <summary>Reads <paramref name="framebuffer"/> as RGBA8, top row first (as images are stored).</summary>
    public static void Capture(GL gl, uint framebuffer, int width, int height, Span<byte> rgba)
    {
        ReadPixels(gl, framebuffer, width, height, rgba);
        FlipRows(rgba, width * 4);
    }

    /// <summary>Captures <paramref name="framebuffer"/> and writes it to <paramref name="path"/> as PNG.</summary>
    /// <exception cref="RealtimeGenException">The file cannot be written.</exception>
    public static void Save(GL gl, uint framebuffer, int width, int height, string path)
    {
        var rgba = new byte[width * height * 4];
        Capture(gl, framebuffer, width, height, rgba);
        ImageFile.SavePng(path, width, height, rgba);
    }

    /// <summary>Captures the context's current frame (its <see cref="IGraphicsContext.DefaultFramebuffer"/>) to a PNG.</summary>
    /// <remarks>For a window, call before <see cref="IGraphicsContext.Present"/>: it reads the back buffer.</remarks>
    public static void Save(IGraphicsContext context, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        Save(context.Gl, context.DefaultFramebuffer, context.Width, context.Height, path);
    }

    /// <summary>Reverses the row order of a tightly packed image in place.</summary>
    public static void FlipRows(Span<byte> pixels, int rowBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowBytes, 1);
        if (pixels.Length % rowBytes != 0)
        {
            throw new ArgumentException($"{pixels.Length} bytes is not a whole number of {rowBytes}-byte rows.", nameof(pixels));
        }

        Span<byte> chunk = stackalloc byte[256];
        int rows = pixels.Length / rowBytes;
        for (int top = 0, bottom = rows - 1; top < bottom; top++, bottom--)
        {
            Span<byte> upper = pixels.Slice(top * rowBytes, rowBytes);
            Span<byte> lower = pixels.Slice(bottom * rowBytes, rowBytes);
            for (int offset = 0; offset < rowBytes; offset += chunk.Length)
            {
                int length = Math.Min(chunk.Length, rowBytes - offset);
                Span<byte> temporary = chunk[..length];
                upper.Slice(offset, length).CopyTo(temporary);
                lower.Slice(offset, length).CopyTo(upper.Slice(offset, length));
                temporary.CopyTo(lower.Slice(offset, length));
            }
        }
    }
}
