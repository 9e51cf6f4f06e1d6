namespace RealtimeGen.Plugin.Streaming;

/// <summary>What <see cref="IRoutedTextureSink.TryBeginRouteWrite"/> gave a worker.</summary>
public enum RouteWriteStatus
{
    /// <summary>A route was begun for writing: decode into it, then end or discard the write.</summary>
    Begun,

    /// <summary>The texture has a route of that size, still converting the previous image: try again shortly.</summary>
    Busy,

    /// <summary>No route for this texture, size or producer (yet): write the image into a staging slot.</summary>
    Unavailable,
}
