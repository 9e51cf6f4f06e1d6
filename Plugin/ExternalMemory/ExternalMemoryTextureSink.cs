using RealtimeGen.Engine;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The texture sink over shared GPU memory: the worker writes each generated frame into memory GL samples, the render
/// thread latches the newest frame; no CPU copy to GL. One ring of one texture at one size: the
/// <see cref="ExternalMemoryStreamer"/> (the plugin's <c>ITextureSink</c> over shared memory) keeps one per streamed
/// texture (worker side: <see cref="TryPublish{TState}"/>; render thread: <see cref="Latch"/>, <see cref="TextureHandle"/>).
/// </summary>
/// <remarks>
/// Create and dispose on the GL thread. When the shared image's rows are tightly packed (lavapipe pads rows to
/// 64 bytes, so widths that are multiples of 16 pixels), the writer fills shared memory directly: the pipeline's RGBA conversion of the decoder output is the only
/// pass over the pixels. With padded rows, the writer fills a scratch frame (allocated once) that is then copied at
/// the row pitch, on the worker. Either way the render thread copies nothing and never waits (see
/// <see cref="ExternalMemoryTexture"/>).
/// </remarks>
public sealed class ExternalMemoryTextureSink : IDisposable
{
    private readonly ExternalMemoryTexture _texture;
    private readonly Silk.NET.OpenGL.GL _gl;
    private byte[]? _scratch;

    /// <summary>Creates the shared texture ring for frames of <paramref name="width"/>×<paramref name="height"/>.</summary>
    /// <param name="selection">A selection of kind <see cref="TextureSinkKind.VulkanExternalMemory"/> (or Cuda); it must outlive the sink.</param>
    /// <param name="width">Frame width in pixels.</param>
    /// <param name="height">Frame height in pixels.</param>
    /// <param name="slotCount">Images in the ring (at least 2; 3 lets the worker write while one is shown and one retires).</param>
    /// <exception cref="RealtimeGenException">The selection has no shared-memory device.</exception>
    public ExternalMemoryTextureSink(TextureSinkSelection selection, int width, int height, int slotCount = 3)
    {
        ArgumentNullException.ThrowIfNull(selection);
        if (selection.GlSupport is null || selection.Vulkan is null)
        {
            throw new RealtimeGenException(
                $"The external-memory sink needs a selection with a Vulkan device; this one is {selection.Kind} ({selection.Reason}).");
        }

        _gl = selection.GlSupport.Gl;
        _texture = new ExternalMemoryTexture(selection.GlSupport, selection.Vulkan, width, height, slotCount);
    }

    /// <summary>Frame width in pixels.</summary>
    public int Width => _texture.Width;

    /// <summary>Frame height in pixels.</summary>
    public int Height => _texture.Height;

    /// <summary>GL texture to sample this frame (RGBA8, bilinear, clamped); 0 before the first frame was latched.</summary>
    public uint TextureHandle => _texture.Current?.Handle ?? 0;

    /// <summary>Number of the frame <see cref="TextureHandle"/> shows (1, 2, … in publication order); 0 before the first.</summary>
    public long FrameNumber => _texture.CurrentSequence;

    /// <summary>Published frames overtaken by a newer one before the render thread latched them.</summary>
    public long DroppedFrames => _texture.DroppedFrames;

    /// <summary>Frames the worker wrote through the scratch frame because the shared rows are padded.</summary>
    public long PitchedCopies { get; private set; }

    /// <summary>The shared texture ring, for renderers that bind <see cref="ExternalMemoryTexture.Current"/> themselves.</summary>
    public ExternalMemoryTexture Texture => _texture;

    /// <summary>
    /// Worker: writes a frame with <paramref name="write"/> and publishes it. False (nothing called) when every
    /// slot is still shown or retiring; the caller keeps its frame and tries again later, or drops it.
    /// </summary>
    public bool TryPublish<TState>(TState state, RgbaFrameWriter<TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (!_texture.TryBeginWrite(out ExternalMemoryWrite slot))
        {
            return false;
        }

        try
        {
            if (slot.IsTightlyPacked)
            {
                write(state, slot.TightPixels);
            }
            else
            {
                _scratch ??= new byte[Width * Height * 4];
                write(state, _scratch);
                slot.WriteTightRows(_scratch);
                PitchedCopies++;
            }
        }
        catch
        {
            _texture.CancelWrite(slot);
            throw;
        }

        _texture.EndWrite(slot);
        return true;
    }

    /// <summary>Worker: publishes a finished RGBA8 frame (tightly packed rows), copying it into shared memory.</summary>
    public bool TryPublish(ReadOnlySpan<byte> rgba)
    {
        int expected = Width * Height * 4;
        if (rgba.Length != expected)
        {
            throw new ArgumentException($"Expected {expected} bytes of RGBA8 for {Width}x{Height}; got {rgba.Length}.", nameof(rgba));
        }

        if (!_texture.TryBeginWrite(out ExternalMemoryWrite slot))
        {
            return false;
        }

        slot.WriteTightRows(rgba);
        _texture.EndWrite(slot);
        return true;
    }

    /// <summary>Render thread, once per frame before drawing: shows the newest published frame. Never waits, never allocates.</summary>
    public bool Latch() => _texture.Latch();

    /// <summary>
    /// Render thread: copies the shown frame into level 0 of <paramref name="target"/> on the GPU
    /// (glCopyImageSubData, no CPU memory involved), for materials that need an ordinary <see cref="Texture2D"/> or a
    /// mip chain (call <see cref="Texture2D.GenerateMipmaps"/> after). Sampling <see cref="TextureHandle"/> directly
    /// avoids even this copy. False before the first frame.
    /// </summary>
    public bool CopyCurrentTo(Texture2D target)
    {
        ArgumentNullException.ThrowIfNull(target);
        GlExternalTexture? current = _texture.Current;
        if (current is null)
        {
            return false;
        }

        if (target.Width != Width || target.Height != Height || target.Format != Silk.NET.OpenGL.SizedInternalFormat.Rgba8)
        {
            throw new ArgumentException(
                $"The target must be RGBA8 {Width}x{Height}; it is {target.Format} {target.Width}x{target.Height}.", nameof(target));
        }

        _gl.CopyImageSubData(current.Handle, Silk.NET.OpenGL.CopyImageSubDataTarget.Texture2D, 0, 0, 0, 0,
            target.Handle, Silk.NET.OpenGL.CopyImageSubDataTarget.Texture2D, 0, 0, 0, 0, (uint)Width, (uint)Height, 1);
        return true;
    }

    /// <summary>Releases the GL and Vulkan objects; call on the GL thread after the worker stopped.</summary>
    public void Dispose() => _texture.Dispose();
}
