using System.Diagnostics.CodeAnalysis;
using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Plugin.Streaming;

/// <summary>
/// Where generated images go: workers write each image into a <see cref="StagingSlot"/>, the render thread turns
/// submitted slots into textures. The seam between generation and the renderer: a sink backed by GPU-resident
/// memory (external-memory interop) replaces the pixel-buffer <see cref="TextureStreamer"/> without touching the
/// pipeline or the systems.
/// </summary>
/// <remarks>
/// Slot methods (both <c>TryAcquireSlot</c>s, <see cref="AcquireSlot"/>, <see cref="ReleaseSlot"/>) are safe on any
/// thread; everything else belongs to the render thread, which it never blocks.
/// </remarks>
public interface ITextureSink : IDisposable
{
    /// <summary>Bytes one slot holds: the largest image (width·height·4) the sink takes.</summary>
    int SlotBytes { get; }

    /// <summary>Textures whose GL object was replaced (first image, or a new size) by the last <see cref="Upload"/>;
    /// materials showing them must pick up <see cref="GetTexture"/> again.</summary>
    ReadOnlySpan<StreamedTextureHandle> ReplacedTextures { get; }

    /// <summary>Takes a free slot without waiting; false when all are in use.</summary>
    bool TryAcquireSlot([NotNullWhen(true)] out StagingSlot? slot);

    /// <summary>
    /// Takes a free slot for the next <paramref name="width"/>×<paramref name="height"/> image of
    /// <paramref name="target"/> without waiting; false when all are in use. A sink over shared GPU memory may hand out
    /// a slot bound to the target's own texture memory (rows at its <see cref="StagingSlot.RowPitch"/>), so that
    /// submitting it copies nothing; such a slot must be submitted to <paramref name="target"/> at that size, or released.
    /// Sinks without shared memory ignore the target.
    /// </summary>
    /// <remarks>CPU and atomic state only (no GL), so workers call it; it never creates GPU objects.</remarks>
    bool TryAcquireSlot(StreamedTextureHandle target, int width, int height, [NotNullWhen(true)] out StagingSlot? slot);

    /// <summary>Takes a free slot, waiting until one is recycled (workers only: never call it on the render thread).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    StagingSlot AcquireSlot(CancellationToken cancellationToken);

    /// <summary>Gives back a slot that was acquired but not submitted.</summary>
    void ReleaseSlot(StagingSlot slot);

    /// <summary>Reserves a texture handle; the texture itself is made when its first image is uploaded.</summary>
    StreamedTextureHandle CreateTexture();

    /// <summary>Frees the handle's texture after the current frame and drops its pending images.</summary>
    void ReleaseTexture(StreamedTextureHandle handle);

    /// <summary>The handle's current texture, or null before its first image (or for a released handle).</summary>
    Texture2D? GetTexture(StreamedTextureHandle handle);

    /// <summary>Queues the image in <paramref name="slot"/> (width·height RGBA8, rows top first at the slot's
    /// <see cref="StagingSlot.RowPitch"/>) for the handle's
    /// texture; the sink owns the slot from here and recycles it once the GPU has consumed it.</summary>
    void Submit(StagingSlot slot, StreamedTextureHandle target, int width, int height);

    /// <summary>Render thread, uploads phase: moves queued images into textures within the per-frame budget and
    /// recycles slots the GPU is done with. Never waits on the GPU.</summary>
    void Upload();

    /// <summary>Render thread, after present: deletes textures retired this frame.</summary>
    void EndFrame();
}
