using Microsoft.Extensions.Logging;
using RealtimeGen.Engine.Ecs;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Engine.Scene;
using RealtimeGen.Plugin.Components;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Streaming;
using RealtimeGen.Plugin.Systems;
using Silk.NET.OpenGL;

namespace RealtimeGen.Plugin;

/// <summary>
/// Streams generated textures into a world's entities: the one object a host creates and calls each frame —
/// <see cref="Update"/> in the systems phase, <see cref="Upload"/> in the uploads phase, <see cref="EndFrame"/> after
/// present — all on the render thread, none of which waits on inference.
/// </summary>
/// <remarks>
/// Give an entity a <see cref="TextureRequest"/> (and a <see cref="MeshRenderer"/> with its own material) and its
/// albedo refines step by step. Dispose on the render thread: it stops the workers first, then deletes the GL objects.
/// </remarks>
public sealed class TextureGenerationPlugin : IDisposable
{
    private readonly GeneratedTextureMaterialSystem? _materials;
    private readonly bool _ownsSink;
    private bool _disposed;

    /// <summary>Creates the plugin over an existing sink (e.g. a GPU-resident one).</summary>
    /// <param name="sink">Receives the images and owns the textures.</param>
    /// <param name="ownsSink">Whether <see cref="Dispose"/> disposes <paramref name="sink"/>.</param>
    /// <param name="world">The world with the requests.</param>
    /// <param name="assets">Materials to bind generated textures to; null to leave binding to the host.</param>
    /// <param name="backendFactory">Called once on each worker thread to make its backend.</param>
    /// <param name="options">Setup; defaults when null.</param>
    /// <param name="logger">Log; none when null.</param>
    public TextureGenerationPlugin(
        ITextureSink sink,
        bool ownsSink,
        World world,
        RenderAssets? assets,
        Func<IGenerationBackend> backendFactory,
        TextureGenerationPluginOptions? options = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(world);
        options ??= new TextureGenerationPluginOptions();
        Sink = sink;
        _ownsSink = ownsSink;
        World = world;
        AssetCache? cache = options.CacheDirectory is { } folder
            ? new AssetCache(folder, options.CacheMaxBytes, logger, requireWritable: false)
            : null;
        Service = new GenerationService(sink, backendFactory, options.Service, logger, cache);
        Generation = new TextureGenerationSystem(world, Service, sink, options.AuditPerFrame);
        if (assets is not null)
        {
            _materials = new GeneratedTextureMaterialSystem(world, assets, sink, Generation);
        }
    }

    /// <summary>Creates the plugin with the sink <see cref="TextureGenerationPluginOptions.Sink"/> asks for on
    /// <paramref name="gl"/> (call on the render thread): a <see cref="TextureStreamer"/> by default, an
    /// <see cref="ExternalMemoryStreamer"/> when shared memory is asked for and available. The DirectML route needs the
    /// pipeline's sessions on the plugin's D3D12 device, which app-made backends do not use: here it falls back to
    /// staging slots with a logged warning (<see cref="Load"/> shares the device).</summary>
    public TextureGenerationPlugin(
        GL gl,
        World world,
        RenderAssets? assets,
        Func<IGenerationBackend> backendFactory,
        TextureGenerationPluginOptions? options = null,
        ILogger? logger = null)
        : this(CreateSink(gl, options ?? new(), logger), true, world, assets, backendFactory, options, logger)
    {
    }

    /// <summary>The world it serves.</summary>
    public World World { get; }

    /// <summary>Where images go and textures live.</summary>
    public ITextureSink Sink { get; }

    /// <summary>The route the sink runs on: the selection's kind for an <see cref="ExternalMemoryStreamer"/>,
    /// <see cref="TextureSinkKind.Cuda"/> or <see cref="TextureSinkKind.DirectML"/> for a <see cref="RoutedTextureStreamer"/>
    /// whose routes take that provider's output, <see cref="TextureSinkKind.CpuStaging"/> for a
    /// <see cref="TextureStreamer"/>, null for another sink.</summary>
    public TextureSinkKind? SinkKind => Sink switch
    {
        ExternalMemoryStreamer shared => shared.Kind,
        RoutedTextureStreamer { RouteProvider: Inference.ExecutionProvider.Cuda } => TextureSinkKind.Cuda,
        RoutedTextureStreamer { RouteProvider: Inference.ExecutionProvider.DirectML } => TextureSinkKind.DirectML,
        TextureStreamer => TextureSinkKind.CpuStaging,
        _ => null,
    };

    /// <summary>The worker side.</summary>
    public GenerationService Service { get; }

    /// <summary>The main-thread system.</summary>
    public TextureGenerationSystem Generation { get; }

    /// <summary>Creates the plugin over the model package in <paramref name="packageDirectory"/>, loaded by each worker
    /// on its own thread (so the inference threads inherit the worker's low priority). Inference threads are capped so
    /// that all workers together leave one core for the frame. With the DirectML sink, the plugin makes one D3D12 device,
    /// runs the pipelines' DirectML sessions on it (<see cref="Inference.InferenceOptions.DirectMLDevice"/>) and makes every
    /// shared output on it; it is disposed after the pipelines and the routes.</summary>
    public static TextureGenerationPlugin Load(
        GL gl,
        World world,
        RenderAssets? assets,
        string packageDirectory,
        TextureGenerationPluginOptions? options = null,
        ILogger? logger = null)
    {
        options ??= new TextureGenerationPluginOptions();

        // All workers' inference threads together leave one core for the frame.
        var pipelineOptions = options.Pipeline;
        int spareCores = Math.Max(1, (Environment.ProcessorCount - 1) / options.Service.WorkerCount);
        if (pipelineOptions.Inference.IntraOpThreads > spareCores)
        {
            pipelineOptions = pipelineOptions with { Inference = pipelineOptions.Inference with { IntraOpThreads = spareCores } };
        }

        ITextureSink sink = CreateSink(gl, options, logger, sharesDirectMLDevice: true, out DirectMLDevice? directML);
        try
        {
            if (directML is not null)
            {
                pipelineOptions = pipelineOptions with { Inference = pipelineOptions.Inference with { DirectMLDevice = directML } };
            }

            return new TextureGenerationPlugin(
                sink, true, world, assets, () => LcmGenerationBackend.Load(packageDirectory, pipelineOptions, logger), options, logger);
        }
        catch
        {
            sink.Dispose();
            throw;
        }
    }

    /// <summary>Sets the entity's request as a new version; the next <see cref="Update"/> starts it (latest wins).</summary>
    public void Request(Entity entity, in TextureRequest request) => Generation.Request(entity, in request);

    /// <summary>The entity's current texture, or null before its first image.</summary>
    public Texture2D? TextureOf(Entity entity) =>
        World.TryGet(entity, out GeneratedTexture generated) ? Sink.GetTexture(generated.Handle) : null;

    /// <summary>Systems phase: submits, cancels and routes finished steps.</summary>
    public void Update(in FrameTime time) => Generation.Update(in time);

    /// <summary>Uploads phase: images into textures within the budget; materials follow replaced textures.</summary>
    public void Upload(in FrameTime time)
    {
        Sink.Upload();
        _materials?.Update(in time);
    }

    /// <summary>After present: frees textures retired this frame and recycles finished slots.</summary>
    public void EndFrame() => Sink.EndFrame();

    /// <summary>Makes the sink <paramref name="options"/> ask for for app-made backends.</summary>
    private static ITextureSink CreateSink(GL gl, TextureGenerationPluginOptions options, ILogger? logger) =>
        CreateSink(gl, options, logger, sharesDirectMLDevice: false, out _);

    /// <summary>Makes the sink <paramref name="options"/> ask for; a route without a streamer falls back to CPU staging,
    /// and so does DirectML unless the caller runs the pipeline on <paramref name="directML"/> (the sink owns it).</summary>
    private static ITextureSink CreateSink(
        GL gl, TextureGenerationPluginOptions options, ILogger? logger, bool sharesDirectMLDevice, out DirectMLDevice? directML)
    {
        ArgumentNullException.ThrowIfNull(gl);
        directML = null;
        if (options.Sink == TextureSinkKind.CpuStaging)
        {
            // The default probes nothing, as before sinks could be chosen.
            return new TextureStreamer(gl, options.Streamer);
        }

        TextureSinkSelection selection = TextureSinkSelector.Select(options.Sink, gl, logger, null, options.Pipeline.Inference.DeviceId);
        if (selection.Kind == TextureSinkKind.DirectML && !sharesDirectMLDevice)
        {
            // Binding a session's output to a buffer of another D3D12 device fails; slots always work.
            if (logger is not null)
            {
                PluginLog.DirectMLDeviceNotShared(logger);
            }

            selection.Dispose();
            return new TextureStreamer(gl, options.Streamer);
        }

        if (selection.Kind is TextureSinkKind.Cuda or TextureSinkKind.DirectML)
        {
            directML = selection.DirectML;
            return CreateRoutedSink(gl, selection, options, logger);
        }

        if (selection.Vulkan is not null)
        {
            try
            {
                return new ExternalMemoryStreamer(selection, options.Streamer, ownsSelection: true, logger);
            }
            catch
            {
                selection.Dispose();
                throw;
            }
        }

        selection.Dispose();
        return new TextureStreamer(gl, options.Streamer);
    }

    // The CUDA and DirectML routes: the decoder writes each texture's shared memory through IOBinding when the pipeline
    // runs on that provider; other images (watermarked finals, a pipeline on another provider) take the staging slots.
    private static RoutedTextureStreamer CreateRoutedSink(GL gl, TextureSinkSelection selection, TextureGenerationPluginOptions options, ILogger? logger)
    {
        TextureStreamer? staging = null;
        try
        {
            staging = new TextureStreamer(gl, options.Streamer);
            return selection.Kind == TextureSinkKind.Cuda
                ? new RoutedTextureStreamer(staging, (w, h) => CudaTextureRoute.Create(selection, w, h), Inference.ExecutionProvider.Cuda, selection, logger)
                : new RoutedTextureStreamer(staging, (w, h) => DirectMLTextureRoute.Create(selection.GlSupport!, selection.DirectML!, w, h), Inference.ExecutionProvider.DirectML, selection, logger);
        }
        catch
        {
            staging?.Dispose();
            selection.Dispose();
            throw;
        }
    }

    /// <summary>Stops the workers (cancelling their jobs), then disposes the sink if owned. Render thread.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Service.Dispose();
        if (_ownsSink)
        {
            Sink.Dispose();
        }
    }
}
