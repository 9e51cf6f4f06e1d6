using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Plugin.Streaming;

/// <summary>
/// One texture's GPU output route: memory the VAE decoder writes through IOBinding (<see cref="DecoderOutput"/>,
/// planar float RGB [1, 3, height, width]) and the RGBA8 <see cref="Texture"/> the render thread converts it into,
/// with no image passing through a CPU staging slot. One write in flight at a time.
/// </summary>
/// <remarks>
/// Worker: <see cref="TryBeginWrite"/>, run the decoder bound to <see cref="DecoderOutput"/>, <see cref="EndWrite"/>
/// (or <see cref="Discard"/> on failure). Render thread: <see cref="Latch"/> once per frame converts a written output
/// (fenced, polled, never waited for); <see cref="TryRetire"/> then <see cref="IDisposable.Dispose"/> to free it while
/// workers may still hold it. Created, latched, retired and disposed on the render thread.
/// </remarks>
public interface IGpuOutputRoute : IDisposable
{
    /// <summary>Image width in pixels.</summary>
    int Width { get; }

    /// <summary>Image height in pixels.</summary>
    int Height { get; }

    /// <summary>The tensor to bind as the decoder's output: float32 [1, 3, <see cref="Height"/>, <see cref="Width"/>].</summary>
    OrtValue DecoderOutput { get; }

    /// <summary>The RGBA8 texture to sample: holds the last latched image.</summary>
    Texture2D Texture { get; }

    /// <summary>Images converted into <see cref="Texture"/> so far.</summary>
    long LatchedCount { get; }

    /// <summary>Whether the last conversion's fence has not been seen signalled yet (the output is not writable).</summary>
    bool ConversionPending { get; }

    /// <summary>Worker: true when a <paramref name="width"/>×<paramref name="height"/> image may be written now (the
    /// route has that size, is not retired, and GL has finished converting the previous image).</summary>
    bool TryBeginWrite(int width, int height);

    /// <summary>Worker: the decoder run bound to <see cref="DecoderOutput"/> has returned; the image may be latched.</summary>
    /// <exception cref="InvalidOperationException">No write was begun.</exception>
    void EndWrite();

    /// <summary>Drops a begun or written image that will not be latched, making the route writable again (any thread
    /// that holds the write: the worker on failure, the reader of a stale image).</summary>
    void Discard();

    /// <summary>Render thread, once per frame: converts a written image into <see cref="Texture"/> and fences the
    /// conversion, or polls the previous conversion's fence. True when an image was converted. Never waits.</summary>
    bool Latch();

    /// <summary>Render thread: stops further writes once none is in progress and GL is done with the output; true
    /// when the route may be disposed. False while a worker writes (or GL converts): try again next frame.</summary>
    bool TryRetire();
}
