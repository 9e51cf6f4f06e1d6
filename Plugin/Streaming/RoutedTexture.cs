using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Plugin.Streaming;

/// <summary>A <see cref="RoutedTextureStreamer"/>'s bookkeeping for one streamed texture: its route, which image shows,
/// and what waits for the next upload.</summary>
internal sealed class RoutedTexture(StreamedTextureHandle handle)
{
    /// <summary>The texture this is for; immutable, so workers compare it without tearing.</summary>
    public StreamedTextureHandle Handle { get; } = handle;

    /// <summary>The route workers write (published by the render thread, read by workers).</summary>
    public volatile IGpuOutputRoute? Route;

    /// <summary>Packed size a route was last asked for (workers, Interlocked), so a size is asked for once.</summary>
    public long RequestedSize;

    /// <summary>Packed size whose route could not be made (not asked for again).</summary>
    public long FailedSize;

    /// <summary>Render thread: the route whose texture shows; null while the staging sink's texture shows.</summary>
    public IGpuOutputRoute? Shown { get; set; }

    /// <summary>Render thread: the route holds a submitted image not latched yet.</summary>
    public bool LatchPending { get; set; }

    /// <summary>Render thread: a staging-slot image newer than any route image waits for the staging sink's upload.</summary>
    public bool SlotPending { get; set; }

    /// <summary>Render thread: in the sink's list of textures with something pending.</summary>
    public bool Listed { get; set; }

    /// <summary>Render thread: the texture <see cref="ITextureSink.GetTexture"/> last reported, to detect replacements.</summary>
    public Texture2D? Reported { get; set; }

    /// <summary>Render thread: the texture was released.</summary>
    public bool Released { get; set; }

    /// <summary>One number for a size, for Interlocked exchange.</summary>
    public static long Pack(int width, int height) => ((long)width << 32) | (uint)height;
}
