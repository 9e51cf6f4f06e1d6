using RealtimeGen.Plugin.Inference;

namespace RealtimeGen.Plugin.Pipeline;

/// <summary>How an <see cref="LcmPipeline"/> is set up.</summary>
public sealed record LcmPipelineOptions
{
    /// <summary>Execution provider, threads and session optimisation.</summary>
    public InferenceOptions Inference { get; init; } = new();

    /// <summary>Prompts whose embeddings are kept.</summary>
    public int PromptCacheCapacity { get; init; } = 64;

    /// <summary>Largest width or height accepted, in pixels.</summary>
    public int MaxImageSize { get; init; } = 2048;

    /// <summary>Largest batch accepted.</summary>
    public int MaxBatchSize { get; init; } = 16;
}
