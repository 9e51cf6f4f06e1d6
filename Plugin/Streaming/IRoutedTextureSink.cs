using RealtimeGen.Plugin.Inference;

namespace RealtimeGen.Plugin.Streaming;

/// <summary>
/// A sink that, besides staging slots, keeps a GPU output route (<see cref="IGpuOutputRoute"/>) per streamed texture
/// and size, which a worker's decoder writes into directly; the render thread latches written routes in
/// <see cref="ITextureSink.Upload"/>, and <see cref="ITextureSink.GetTexture"/> shows whichever image of a texture
/// came last, a route's or a slot's.
/// </summary>
public interface IRoutedTextureSink : ITextureSink
{
    /// <summary>The execution provider whose decoder output the routes take (their memory lives on its device).</summary>
    ExecutionProvider RouteProvider { get; }

    /// <summary>
    /// Any thread: begins a write into <paramref name="target"/>'s route of <paramref name="width"/>×<paramref name="height"/>.
    /// <see cref="RouteWriteStatus.Unavailable"/> when the producer's provider is not <see cref="RouteProvider"/>, the
    /// handle is stale, or the texture has no route of that size yet (one is then asked for, made on the render thread
    /// by a later <see cref="ITextureSink.Upload"/>). Never waits and creates no GPU object.
    /// </summary>
    RouteWriteStatus TryBeginRouteWrite(StreamedTextureHandle target, int width, int height, ExecutionProvider producer, out IGpuOutputRoute? route);

    /// <summary>Render thread: the written image in <paramref name="route"/> is <paramref name="target"/>'s newest;
    /// the next <see cref="ITextureSink.Upload"/> latches it (until then the previous texture stays).</summary>
    void SubmitRoute(IGpuOutputRoute route, StreamedTextureHandle target);

    /// <summary>Any thread: drops a route image that will not be submitted.</summary>
    void ReleaseRoute(IGpuOutputRoute route);
}
