using RealtimeGen.Plugin.Streaming;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Plugin.Streaming;

/// <summary>Makes <see cref="UploadedPlanarRoute"/>s for a <see cref="RoutedTextureStreamer"/> and keeps them, with their GL
/// names, so tests can check that every one was disposed and its GL objects deleted.</summary>
internal sealed class UploadedRouteFactory(GL gl)
{
    private readonly List<(UploadedPlanarRoute Route, uint Buffer, uint Texture)> _made = [];

    public IReadOnlyList<UploadedPlanarRoute> Made => [.. _made.Select(entry => entry.Route)];

    public int Live => _made.Count(entry => !entry.Route.Disposed);

    public IGpuOutputRoute Create(int width, int height)
    {
        var route = new UploadedPlanarRoute(gl, width, height);
        _made.Add((route, route.Buffer, route.TextureHandle));
        return route;
    }

    /// <summary>GL thread: buffers and textures of disposed routes that GL still knows (should be none).</summary>
    public int LeakedGlObjects()
    {
        int leaked = 0;
        foreach ((UploadedPlanarRoute route, uint buffer, uint texture) in _made)
        {
            if (route.Disposed)
            {
                leaked += (gl.IsBuffer(buffer) ? 1 : 0) + (gl.IsTexture(texture) ? 1 : 0);
            }
        }

        return leaked;
    }
}
