using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.Generation;

/// <summary>Something a job did, read on the main thread with <see cref="GenerationService.TryRead"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="JobId">The job's <see cref="GenerationJob.Id"/>.</param>
/// <param name="Key">The job's owner key.</param>
/// <param name="Step">Steps done (previews and finals).</param>
/// <param name="Steps">Steps of the job.</param>
/// <param name="Slot">The image, for previews and finals written to a staging slot; the reader submits it to the sink or
/// releases it. Null for an image in a GPU output route (<see cref="Route"/>).</param>
/// <param name="Width">Image width.</param>
/// <param name="Height">Image height.</param>
/// <param name="Reason">Why it failed, for <see cref="GenerationEventKind.Failed"/>.</param>
public readonly record struct GenerationEvent(
    GenerationEventKind Kind,
    long JobId,
    long Key,
    int Step,
    int Steps,
    StagingSlot? Slot,
    int Width,
    int Height,
    string? Reason)
{
    /// <summary>True for a final image read from the asset cache instead of generated.</summary>
    public bool FromCache { get; init; }

    /// <summary>The GPU output route the image was decoded into, instead of a <see cref="Slot"/>; the reader submits it
    /// (<see cref="IRoutedTextureSink.SubmitRoute"/>) or releases it.</summary>
    public IGpuOutputRoute? Route { get; init; }
}
