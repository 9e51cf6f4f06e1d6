using Microsoft.Extensions.Logging;
using RealtimeGen.Engine.Ecs;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Engine.Scene;
using RealtimeGen.Plugin;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Streaming;
using RealtimeGen.Plugin.Systems;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Plugin.Systems;

/// <summary>A world and a texture generation plugin driven frame by frame on the GL test thread.</summary>
internal sealed class StreamingHarness : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    public StreamingHarness(
        GL gl,
        Func<IGenerationBackend> backend,
        PreviewMode previews = PreviewMode.EveryStep,
        RenderAssets? assets = null,
        string? cacheDirectory = null,
        ILogger? logger = null)
    {
        World = new World();
        Streamer = new TextureStreamer(gl, new TextureStreamerOptions { SlotCount = 6, SlotBytes = 128 * 128 * 4 });
        Plugin = new TextureGenerationPlugin(
            Streamer,
            ownsSink: true,
            World,
            assets,
            backend,
            new TextureGenerationPluginOptions
            {
                Service = new() { WorkerPriority = WorkerPriority.Normal, PreviewMode = previews },
                CacheDirectory = cacheDirectory,
            },
            logger);
    }

    public World World { get; }

    public TextureStreamer Streamer { get; }

    public TextureGenerationPlugin Plugin { get; }

    public List<(Entity Entity, int Step, int Steps)> Updates { get; } = new(256);

    public List<TextureUpdate> FullUpdates { get; } = new(256);

    public long Frames { get; private set; }

    public void RunFrame()
    {
        var time = new FrameTime(Frames, 0.016, Frames * 0.016);
        Plugin.Update(in time);
        foreach (var update in Plugin.Generation.Updates)
        {
            Updates.Add((update.Entity, update.Step, update.Steps));
            FullUpdates.Add(update);
        }

        Plugin.Upload(in time);
        Plugin.EndFrame();
        Frames++;
    }

    /// <summary>Runs frames until <paramref name="done"/> holds; fails after <see cref="Patience"/> (a hang guard, not a timing).</summary>
    public void RunUntil(Func<bool> done, string what)
    {
        long deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
        while (!done())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what} after {Frames} frames.");
            }

            RunFrame();
            Thread.Sleep(1);
        }
    }

    /// <summary>Runs frames until every slot is back in the ring.</summary>
    public void Settle() => RunUntil(
        () => Plugin.Service.RunningCount == 0 && Plugin.Service.QueuedCount == 0 && Streamer.FreeSlotCount == Streamer.SlotCount,
        "idle workers and a full slot ring");

    public byte[] ReadTexture(Entity entity)
    {
        Texture2D texture = Plugin.TextureOf(entity) ?? throw new InvalidOperationException($"{entity} has no texture.");
        var pixels = new byte[texture.Width * texture.Height * 4];
        texture.ReadPixels(pixels);
        return pixels;
    }

    public void Dispose() => Plugin.Dispose();
}
