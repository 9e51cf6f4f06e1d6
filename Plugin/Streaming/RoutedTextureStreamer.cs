using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Inference;

namespace RealtimeGen.Plugin.Streaming;

/// <summary>
/// A texture sink with a GPU output route per streamed texture and size (CUDA, DirectML, or any
/// <see cref="IGpuOutputRoute"/>) in front of a staging sink: workers whose decoder runs on <see cref="RouteProvider"/>
/// decode straight into the route, the render thread latches it (a GPU conversion, fenced and polled) and materials
/// sample the route's texture; images that need the CPU (a watermarked final, a seamless request, a texture whose route
/// is not made yet) go through the staging sink's slots as before. Per texture, the image submitted last shows, once it
/// has reached the GPU; until then the previous texture stays.
/// </summary>
/// <remarks>
/// Routes are made on the render thread in <see cref="Upload"/>, when a worker first asks for one of a texture and
/// size (that image goes through a slot), and retired when the texture is released or changes size: disposed once no
/// worker writes them and GL is done with them. The render thread never waits; after warm-up a frame allocates nothing.
/// Dispose after the workers stopped, on the render thread.
/// </remarks>
public sealed class RoutedTextureStreamer : IRoutedTextureSink
{
    private readonly ITextureSink _staging;
    private readonly Func<int, int, IGpuOutputRoute> _createRoute;
    private readonly IDisposable? _owned;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<RouteRequest> _requests = new();
    private readonly List<RoutedTexture> _listed = [];
    private readonly List<IGpuOutputRoute> _converting = [];
    private readonly List<IGpuOutputRoute> _retiring = [];
    private readonly List<StreamedTextureHandle> _replaced = [];
    private RoutedTexture?[] _textures = new RoutedTexture?[16];
    private int _mismatchLogged;
    private bool _disposed;

    /// <summary>Creates the sink over <paramref name="staging"/>, which it owns from here.</summary>
    /// <param name="staging">Takes the images that go through slots and owns the handles.</param>
    /// <param name="createRoute">Makes a route of width×height on the render thread; may throw
    /// <see cref="RealtimeGenException"/> (logged, that size then goes through slots).</param>
    /// <param name="routeProvider">The provider whose decoder output the routes take.</param>
    /// <param name="owned">Disposed after every route (e.g. the device the routes share); null for none.</param>
    /// <param name="logger">Log; none when null.</param>
    public RoutedTextureStreamer(
        ITextureSink staging, Func<int, int, IGpuOutputRoute> createRoute, ExecutionProvider routeProvider, IDisposable? owned = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(staging);
        ArgumentNullException.ThrowIfNull(createRoute);
        _staging = staging;
        _createRoute = createRoute;
        _owned = owned;
        RouteProvider = routeProvider;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public ExecutionProvider RouteProvider { get; }

    /// <summary>The sink that takes slot images.</summary>
    public ITextureSink Staging => _staging;

    /// <summary>Routes alive (current, shown or waiting to be disposed).</summary>
    public int RouteCount { get; private set; }

    /// <summary>Route images latched so far, across all textures.</summary>
    public long LatchedCount { get; private set; }

    /// <summary>Textures with an image submitted but not on the GPU yet (a route image to latch, or a slot image the
    /// staging sink has not uploaded).</summary>
    public int PendingTextureCount => _listed.Count;

    /// <summary>Route writes asked for by workers and not yet served by <see cref="Upload"/>.</summary>
    public int PendingRouteRequests => _requests.Count;

    /// <inheritdoc/>
    public int SlotBytes => _staging.SlotBytes;

    /// <inheritdoc/>
    public ReadOnlySpan<StreamedTextureHandle> ReplacedTextures => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_replaced);

    /// <inheritdoc/>
    public bool TryAcquireSlot([NotNullWhen(true)] out StagingSlot? slot) => _staging.TryAcquireSlot(out slot);

    /// <inheritdoc/>
    public bool TryAcquireSlot(StreamedTextureHandle target, int width, int height, [NotNullWhen(true)] out StagingSlot? slot) =>
        _staging.TryAcquireSlot(target, width, height, out slot);

    /// <inheritdoc/>
    public StagingSlot AcquireSlot(CancellationToken cancellationToken) => _staging.AcquireSlot(cancellationToken);

    /// <inheritdoc/>
    public void ReleaseSlot(StagingSlot slot) => _staging.ReleaseSlot(slot);

    /// <summary>The route of <paramref name="handle"/>'s texture that workers write now, or null (tests and diagnostics).</summary>
    public IGpuOutputRoute? RouteOf(StreamedTextureHandle handle) => Find(handle)?.Route;

    /// <inheritdoc/>
    public RouteWriteStatus TryBeginRouteWrite(StreamedTextureHandle target, int width, int height, ExecutionProvider producer, out IGpuOutputRoute? route)
    {
        route = null;
        if (producer != RouteProvider)
        {
            if (Interlocked.Exchange(ref _mismatchLogged, 1) == 0)
            {
                PluginLog.RouteProviderMismatch(_logger, RouteProvider, producer);
            }

            return RouteWriteStatus.Unavailable;
        }

        if (Find(target) is not { } texture)
        {
            return RouteWriteStatus.Unavailable;
        }

        IGpuOutputRoute? current = texture.Route;
        if (current is not null && current.Width == width && current.Height == height)
        {
            if (!current.TryBeginWrite(width, height))
            {
                return RouteWriteStatus.Busy;
            }

            route = current;
            return RouteWriteStatus.Begun;
        }

        long size = RoutedTexture.Pack(width, height);
        if (Volatile.Read(ref texture.FailedSize) != size && Interlocked.Exchange(ref texture.RequestedSize, size) != size)
        {
            _requests.Enqueue(new RouteRequest(target, width, height));
        }

        return RouteWriteStatus.Unavailable;
    }

    /// <inheritdoc/>
    public void SubmitRoute(IGpuOutputRoute route, StreamedTextureHandle target)
    {
        ArgumentNullException.ThrowIfNull(route);
        RoutedTexture? texture = Find(target);
        if (texture is null || !ReferenceEquals(texture.Route, route))
        {
            // Released or resized since the worker wrote it: nobody will show it.
            route.Discard();
            return;
        }

        texture.LatchPending = true;
        texture.SlotPending = false;
        List(texture);
    }

    /// <inheritdoc/>
    public void ReleaseRoute(IGpuOutputRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        route.Discard();
    }

    /// <inheritdoc/>
    public StreamedTextureHandle CreateTexture()
    {
        StreamedTextureHandle handle = _staging.CreateTexture();
        RoutedTexture?[] textures = _textures;
        if (handle.Index >= textures.Length)
        {
            // Copy, then publish: a worker reads either array, both hold every live texture.
            var grown = new RoutedTexture?[Math.Max(textures.Length * 2, handle.Index + 1)];
            Array.Copy(textures, grown, textures.Length);
            Volatile.Write(ref _textures, grown);
            textures = grown;
        }

        Volatile.Write(ref textures[handle.Index], new RoutedTexture(handle));
        return handle;
    }

    /// <inheritdoc/>
    public void ReleaseTexture(StreamedTextureHandle handle)
    {
        if (Find(handle) is { } texture)
        {
            Volatile.Write(ref _textures[handle.Index], null);
            texture.Released = true;
            if (texture.LatchPending)
            {
                texture.Route?.Discard();
                texture.LatchPending = false;
            }

            if (texture.Shown is { } shown && !ReferenceEquals(shown, texture.Route))
            {
                Retire(shown);
            }

            if (texture.Route is { } route)
            {
                Retire(route);
            }

            texture.Route = null;
            texture.Shown = null;
        }

        _staging.ReleaseTexture(handle);
    }

    /// <inheritdoc/>
    public Texture2D? GetTexture(StreamedTextureHandle handle) =>
        Find(handle) is { Shown: { } route } ? route.Texture : _staging.GetTexture(handle);

    /// <inheritdoc/>
    public void Submit(StagingSlot slot, StreamedTextureHandle target, int width, int height)
    {
        _staging.Submit(slot, target, width, height);
        if (Find(target) is not { } texture)
        {
            return;
        }

        if (texture.LatchPending)
        {
            // This slot image is newer than the route image waiting to be latched.
            texture.Route?.Discard();
            texture.LatchPending = false;
        }

        texture.SlotPending = true;
        List(texture);
    }

    /// <inheritdoc/>
    public void Upload()
    {
        _replaced.Clear();
        _staging.Upload();
        ServeRequests();
        PollConversions();
        for (int i = _listed.Count - 1; i >= 0; i--)
        {
            RoutedTexture texture = _listed[i];
            if (!texture.Released)
            {
                Advance(texture);
            }

            if (texture.Released || !(texture.LatchPending || texture.SlotPending))
            {
                texture.Listed = false;
                _listed.RemoveAt(i);
            }
        }

        foreach (StreamedTextureHandle handle in _staging.ReplacedTextures)
        {
            if (Find(handle) is { } texture)
            {
                Report(texture);
            }
            else
            {
                _replaced.Add(handle);
            }
        }
    }

    /// <inheritdoc/>
    public void EndFrame()
    {
        _staging.EndFrame();
        for (int i = _retiring.Count - 1; i >= 0; i--)
        {
            IGpuOutputRoute route = _retiring[i];
            if (route.TryRetire())
            {
                _retiring.RemoveAt(i);
                _converting.Remove(route);
                route.Dispose();
                RouteCount--;
            }
        }
    }

    /// <summary>Disposes every route, then the staging sink and the owned object (render thread, workers stopped).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var routes = new HashSet<IGpuOutputRoute>(_retiring, ReferenceEqualityComparer.Instance);
        foreach (RoutedTexture? texture in _textures)
        {
            if (texture?.Route is { } route)
            {
                routes.Add(route);
            }

            if (texture?.Shown is { } shown)
            {
                routes.Add(shown);
            }
        }

        foreach (IGpuOutputRoute route in routes)
        {
            route.Dispose();
        }

        _retiring.Clear();
        _converting.Clear();
        RouteCount = 0;
        _staging.Dispose();
        _owned?.Dispose();
    }

    private RoutedTexture? Find(StreamedTextureHandle handle)
    {
        RoutedTexture?[] textures = Volatile.Read(ref _textures);
        if (!handle.IsValid || handle.Index >= textures.Length)
        {
            return null;
        }

        RoutedTexture? texture = Volatile.Read(ref textures[handle.Index]);
        return texture is not null && texture.Handle == handle ? texture : null;
    }

    private void List(RoutedTexture texture)
    {
        if (!texture.Listed)
        {
            texture.Listed = true;
            _listed.Add(texture);
        }
    }

    private void ServeRequests()
    {
        while (_requests.TryDequeue(out RouteRequest request))
        {
            if (Find(request.Handle) is not { } texture
                || (texture.Route is { } current && current.Width == request.Width && current.Height == request.Height))
            {
                continue;
            }

            IGpuOutputRoute created;
            try
            {
                created = _createRoute(request.Width, request.Height);
            }
            catch (RealtimeGenException e)
            {
                Volatile.Write(ref texture.FailedSize, RoutedTexture.Pack(request.Width, request.Height));
                PluginLog.RouteFailed(_logger, request.Width, request.Height, e.Message);
                continue;
            }

            RouteCount++;
            IGpuOutputRoute? previous = texture.Route;
            if (texture.LatchPending)
            {
                previous?.Discard();
                texture.LatchPending = false;
            }

            texture.Route = created;
            if (previous is not null && !ReferenceEquals(previous, texture.Shown))
            {
                Retire(previous);
            }
        }
    }

    // Polls the fences of earlier conversions, so their routes become writable again.
    private void PollConversions()
    {
        for (int i = _converting.Count - 1; i >= 0; i--)
        {
            IGpuOutputRoute route = _converting[i];
            _ = route.Latch();
            if (!route.ConversionPending)
            {
                _converting.RemoveAt(i);
            }
        }
    }

    private void Advance(RoutedTexture texture)
    {
        if (texture.LatchPending && texture.Route is { } route)
        {
            if (route.Latch())
            {
                texture.LatchPending = false;
                LatchedCount++;
                _converting.Add(route);
                Show(texture, route);
            }
        }
        else if (texture.SlotPending && PendingUploads() == 0)
        {
            // The staging sink has uploaded every queued image, this texture's newest included.
            texture.SlotPending = false;
            Show(texture, null);
        }
    }

    private int PendingUploads() => _staging is TextureStreamer streamer ? streamer.PendingCount : 0;

    private void Show(RoutedTexture texture, IGpuOutputRoute? route)
    {
        IGpuOutputRoute? previous = texture.Shown;
        texture.Shown = route;
        if (previous is not null && !ReferenceEquals(previous, route) && !ReferenceEquals(previous, texture.Route))
        {
            Retire(previous);
        }

        Report(texture);
    }

    private void Report(RoutedTexture texture)
    {
        Texture2D? now = texture.Shown?.Texture ?? _staging.GetTexture(texture.Handle);
        if (!ReferenceEquals(now, texture.Reported))
        {
            texture.Reported = now;
            _replaced.Add(texture.Handle);
        }
    }

    private void Retire(IGpuOutputRoute route)
    {
        if (!_retiring.Contains(route))
        {
            _retiring.Add(route);
        }
    }
}
