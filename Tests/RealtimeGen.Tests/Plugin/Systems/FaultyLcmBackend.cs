using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Tests.Plugin.Systems;

/// <summary>The real LCM backend, except that a job whose prompt contains "fail@k" throws inside step k.</summary>
internal sealed class FaultyLcmBackend(LcmGenerationBackend inner) : IGenerationBackend
{
    public void Generate(GenerationJob job, IGenerationOutput output, CancellationToken cancellationToken)
    {
        int at = job.Request.Prompt.IndexOf("fail@", StringComparison.Ordinal);
        IGenerationOutput target = at < 0 ? output : new FailingOutput(output, job.Request.Prompt[at + 5] - '0');
        inner.Generate(job, target, cancellationToken);
    }

    public AssetKey? CacheKeyOf(GenerationRequest request) => inner.CacheKeyOf(request);

    public void Dispose() => inner.Dispose();

    // The backend asks about previews after each step, from inside the pipeline's step callback.
    private sealed class FailingOutput(IGenerationOutput output, int failAt) : IGenerationOutput
    {
        public bool WantsPreview(int stepsDone, int steps) =>
            stepsDone == failAt ? throw new InvalidOperationException($"injected fault at step {failAt}") : output.WantsPreview(stepsDone, steps);

        public StagingSlot? TryAcquirePreviewSlot() => output.TryAcquirePreviewSlot();

        public StagingSlot AcquireFinalSlot(CancellationToken cancellationToken) => output.AcquireFinalSlot(cancellationToken);

        public Span<byte> FinalImageCopy(int byteCount) => output.FinalImageCopy(byteCount);

        public void PublishPreview(StagingSlot slot, int stepsDone, int steps) => output.PublishPreview(slot, stepsDone, steps);

        public void PublishFinal(StagingSlot slot, int steps) => output.PublishFinal(slot, steps);

        public void Release(StagingSlot slot) => output.Release(slot);
    }
}
