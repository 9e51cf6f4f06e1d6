using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.Generation;

/// <summary>The <see cref="IGenerationOutput"/> of one running job: slots from the service's sink, events to its queue.</summary>
/// <param name="service">The service the job runs on.</param>
/// <param name="job">The job.</param>
/// <param name="keepsFinal">Whether the final image is kept in worker memory (for the asset cache).</param>
internal sealed class JobOutput(GenerationService service, GenerationJob job, bool keepsFinal) : IGenerationOutput
{
    private byte[]? _finalCopy;

    /// <summary>The kept final image, once the backend has asked for the copy and published the final; else null.</summary>
    public byte[]? KeptFinal => FinalPublished ? _finalCopy : null;

    /// <summary>Whether a final image (slot or route) was published.</summary>
    public bool FinalPublished { get; private set; }

    public bool WantsPreview(int stepsDone, int steps) => service.WantsPreview(stepsDone, steps);

    public StagingSlot? TryAcquirePreviewSlot() =>
        service.Sink.TryAcquireSlot(job.Target, job.Request.Width, job.Request.Height, out StagingSlot? slot) ? slot : null;

    public StagingSlot AcquireFinalSlot(CancellationToken cancellationToken)
    {
        if (!job.Target.IsValid)
        {
            return service.Sink.AcquireSlot(cancellationToken);
        }

        // Polls like the sinks' own AcquireSlot, asking for the target's memory each time: the texture's ring frees an
        // image as soon as the render thread latches the next frame.
        StagingSlot? slot;
        while (!service.Sink.TryAcquireSlot(job.Target, job.Request.Width, job.Request.Height, out slot))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Thread.Sleep(1);
        }

        return slot;
    }

    public Span<byte> FinalImageCopy(int byteCount)
    {
        if (!keepsFinal)
        {
            return [];
        }

        ArgumentOutOfRangeException.ThrowIfNotEqual(byteCount, job.ByteCount);

        // Exactly the image's size: the array becomes the cache entry's albedo as it is.
        _finalCopy ??= new byte[byteCount];
        return _finalCopy;
    }

    public void PublishPreview(StagingSlot slot, int stepsDone, int steps) => Publish(GenerationEventKind.Preview, slot, stepsDone, steps, false);

    public void PublishFinal(StagingSlot slot, int steps)
    {
        FinalPublished = true;
        Publish(GenerationEventKind.Final, slot, steps, steps, false);
    }

    /// <summary>Hands a final image read from the asset cache to the main thread.</summary>
    public void PublishCachedFinal(StagingSlot slot)
    {
        FinalPublished = true;
        Publish(GenerationEventKind.Final, slot, job.Request.Steps, job.Request.Steps, true);
    }

    public void Release(StagingSlot slot) => service.Sink.ReleaseSlot(slot);

    public bool HasRoutes => job.Target.IsValid && service.Sink is IRoutedTextureSink;

    public RouteWriteStatus TryBeginRouteWrite(ExecutionProvider producer, out IGpuOutputRoute? route)
    {
        if (job.Target.IsValid && service.Sink is IRoutedTextureSink routed)
        {
            return routed.TryBeginRouteWrite(job.Target, job.Request.Width, job.Request.Height, producer, out route);
        }

        route = null;
        return RouteWriteStatus.Unavailable;
    }

    public void PublishPreview(IGpuOutputRoute route, int stepsDone, int steps) => Publish(GenerationEventKind.Preview, route, stepsDone, steps);

    public void PublishFinal(IGpuOutputRoute route, int steps)
    {
        FinalPublished = true;
        Publish(GenerationEventKind.Final, route, steps, steps);
    }

    public void Release(IGpuOutputRoute route) => GenerationService.ReleaseRoute(service.Sink, route);

    private void Publish(GenerationEventKind kind, IGpuOutputRoute route, int step, int steps)
    {
        if (job.CancellationToken.IsCancellationRequested)
        {
            Release(route);
            return;
        }

        service.Post(new GenerationEvent(kind, job.Id, job.Key, step, steps, null, job.Request.Width, job.Request.Height, null) { Route = route });
    }

    private void Publish(GenerationEventKind kind, StagingSlot slot, int step, int steps, bool fromCache)
    {
        // An image of a job that was replaced meanwhile would only be discarded by the reader.
        if (job.CancellationToken.IsCancellationRequested)
        {
            service.Sink.ReleaseSlot(slot);
            return;
        }

        service.Post(new GenerationEvent(kind, job.Id, job.Key, step, steps, slot, job.Request.Width, job.Request.Height, null) { FromCache = fromCache });
    }
}
