using Microsoft.Extensions.Logging;

namespace RealtimeGen.Plugin;

/// <summary>The plugin's log messages, compiled once by the logging source generator.</summary>
internal static partial class PluginLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Loaded model package {Directory} ({PipelineClass}, VAE scaling {Scaling}, img2img {Img2Img})")]
    public static partial void PackageLoaded(ILogger logger, string directory, string pipelineClass, double scaling, bool img2Img);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Path}: {Problem}")]
    public static partial void PackageWarning(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "Execution provider {Provider} chosen for {Part} (asked for {Requested}; available: {Available})")]
    public static partial void ProviderChosen(
        ILogger logger, Inference.ExecutionProvider provider, string part, Inference.ExecutionProvider requested, string available);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Prompt of {TokenCount} tokens truncated to {MaxLength} for the text encoder")]
    public static partial void PromptTruncated(ILogger logger, int tokenCount, int maxLength);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Loaded {Part} session from {Path} in {Milliseconds} ms")]
    public static partial void SessionLoaded(ILogger logger, string part, string path, long milliseconds);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Generation cancelled after step {Step} of {Steps}")]
    public static partial void GenerationCancelled(ILogger logger, int step, int steps);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "The OS refused worker priority {Priority}; generation workers run at normal priority")]
    public static partial void WorkerPriorityRefused(ILogger logger, Generation.WorkerPriority priority);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "{Reason}")]
    public static partial void BackendFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Generation job {JobId} failed: {Reason}")]
    public static partial void JobFailed(ILogger logger, long jobId, string reason);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Asset cache entry {Folder} is corrupt ({Problem}); it will be regenerated")]
    public static partial void CacheEntryCorrupt(ILogger logger, string folder, string problem);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Asset cache evicted {Folder} ({Bytes} bytes) to stay under {Cap} bytes")]
    public static partial void CacheEvicted(ILogger logger, string folder, long bytes, long cap);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning,
        Message = "Asset cache cannot store generated textures ({Problem}); generation carries on without storing (reported once)")]
    public static partial void CacheStoreFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Asset cache entry {Hash} could not be read ({Problem}); it is generated instead")]
    public static partial void CacheReadFailed(ILogger logger, string hash, string problem);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "No asset cache key for a request ({Problem}); it is generated without the cache")]
    public static partial void CacheKeyFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning,
        Message = "No {Width}x{Height} GPU output route for a streamed texture; its images go through staging slots: {Reason}")]
    public static partial void RouteFailed(ILogger logger, int width, int height, string reason);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning,
        Message = "The GPU output routes take {RouteProvider} decoder output but the pipeline decodes on {Producer}; images go through staging slots")]
    public static partial void RouteProviderMismatch(ILogger logger, Inference.ExecutionProvider routeProvider, Inference.ExecutionProvider producer);

    [LoggerMessage(EventId = 17, Level = LogLevel.Information,
        Message = "DirectML session runs on the shared D3D12 device (the one its outputs' shared buffers live on)")]
    public static partial void SessionOnSharedDevice(ILogger logger);

    [LoggerMessage(EventId = 18, Level = LogLevel.Warning,
        Message = "Texture sink DirectML needs the pipeline's sessions on the plugin's D3D12 device, which an app-made backend does not use; " +
                  "images go through staging slots, never bound across devices (TextureGenerationPlugin.Load shares the device)")]
    public static partial void DirectMLDeviceNotShared(ILogger logger);
}
