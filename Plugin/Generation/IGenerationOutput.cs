using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.Generation;

/// <summary>Where a backend puts one job's images: staging slots from the sink, published to the main thread.</summary>
/// <remarks>Used on the worker thread that runs the job.</remarks>
public interface IGenerationOutput
{
    /// <summary>Whether the preview policy wants an image after <paramref name="stepsDone"/> of <paramref name="steps"/>.</summary>
    bool WantsPreview(int stepsDone, int steps);

    /// <summary>A slot for a preview, or null when none is free (the preview is skipped, never waited for).</summary>
    StagingSlot? TryAcquirePreviewSlot();

    /// <summary>Takes a slot for the final image, waiting for one to be recycled.</summary>
    StagingSlot AcquireFinalSlot(CancellationToken cancellationToken);

    /// <summary>
    /// Worker memory that the final image must be written to as well as its slot (a slot may be write-only mapped
    /// memory), so that the service can store it in the asset cache; empty when the final image is not kept.
    /// </summary>
    /// <param name="byteCount">The job's <see cref="GenerationJob.ByteCount"/>.</param>
    Span<byte> FinalImageCopy(int byteCount);

    /// <summary>Hands a written preview to the main thread.</summary>
    void PublishPreview(StagingSlot slot, int stepsDone, int steps);

    /// <summary>Hands the written final image to the main thread.</summary>
    void PublishFinal(StagingSlot slot, int steps);

    /// <summary>Gives back a slot that will not be published.</summary>
    void Release(StagingSlot slot);

    /// <summary>Whether the job's texture may have a GPU output route (the sink keeps routes); false by default.</summary>
    bool HasRoutes => false;

    /// <summary>
    /// Begins a write into the GPU output route of the job's texture at the job's size, for a decoder on
    /// <paramref name="producer"/> (see <see cref="IRoutedTextureSink.TryBeginRouteWrite"/>); never waits.
    /// <see cref="RouteWriteStatus.Unavailable"/> by default: write slots.
    /// </summary>
    RouteWriteStatus TryBeginRouteWrite(ExecutionProvider producer, out IGpuOutputRoute? route)
    {
        route = null;
        return RouteWriteStatus.Unavailable;
    }

    /// <summary>Hands a preview written (and ended) in <paramref name="route"/> to the main thread.</summary>
    void PublishPreview(IGpuOutputRoute route, int stepsDone, int steps) =>
        throw new NotSupportedException("This output hands out no GPU output routes.");

    /// <summary>Hands the final image written (and ended) in <paramref name="route"/> to the main thread.</summary>
    void PublishFinal(IGpuOutputRoute route, int steps) =>
        throw new NotSupportedException("This output hands out no GPU output routes.");

    /// <summary>Gives back a route write that will not be published.</summary>
    void Release(IGpuOutputRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        route.Discard();
    }
}
