using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.Generation;

/// <summary>The <see cref="IGenerationOutput"/> of one running job: slots from the service's sink, events to its queue.</summary>
internal sealed class JobOutput(GenerationService service, GenerationJob job) : IGenerationOutput
{
    public bool WantsPreview(int stepsDone, int steps) => service.WantsPreview(stepsDone, steps);

    public StagingSlot? TryAcquirePreviewSlot() => service.Sink.TryAcquireSlot(out StagingSlot? slot) ? slot : null;

    public StagingSlot AcquireFinalSlot(CancellationToken cancellationToken) => service.Sink.AcquireSlot(cancellationToken);

    public void PublishPreview(StagingSlot slot, int stepsDone, int steps) => Publish(GenerationEventKind.Preview, slot, stepsDone, steps);

    public void PublishFinal(StagingSlot slot, int steps) => Publish(GenerationEventKind.Final, slot, steps, steps);

    public void Release(StagingSlot slot) => service.Sink.ReleaseSlot(slot);

    private void Publish(GenerationEventKind kind, StagingSlot slot, int step, int steps)
    {
        // An image of a job that was replaced meanwhile would only be discarded by the reader.
        if (job.CancellationToken.IsCancellationRequested)
        {
            service.Sink.ReleaseSlot(slot);
            return;
        }

        service.Post(new GenerationEvent(kind, job.Id, job.Key, step, steps, slot, job.Request.Width, job.Request.Height, null));
    }
}
