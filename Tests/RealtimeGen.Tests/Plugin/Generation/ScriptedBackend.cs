using RealtimeGen.Engine;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Tests.Plugin.Generation;

/// <summary>
/// A backend that "generates" by filling slots with the step number: prompts starting with "block" wait until
/// released or cancelled; prompts containing "fail@k" throw at step k. With a <see cref="ModelHash"/> its output
/// has cache keys.
/// </summary>
internal sealed class ScriptedBackend : IGenerationBackend
{
    private readonly SemaphoreSlim _release = new(0);

    public List<string> Started { get; } = [];

    public List<string> Cancelled { get; } = [];

    public ManualResetEventSlim BlockedStarted { get; } = new();

    public string? ModelHash { get; init; }

    /// <summary>When set, <see cref="CacheKeyOf"/> throws with this message (e.g. a package that cannot be fingerprinted).</summary>
    public string? KeyFailure { get; init; }

    public AssetKey? CacheKeyOf(GenerationRequest request) =>
        KeyFailure is not null ? throw new RealtimeGenException(KeyFailure)
        : ModelHash is null ? null : AssetKey.For(request, ModelHash, watermarked: false);

    public void Unblock() => _release.Release();

    public void Generate(GenerationJob job, IGenerationOutput output, CancellationToken cancellationToken)
    {
        string prompt = job.Request.Prompt;
        lock (Started)
        {
            Started.Add(prompt);
        }

        try
        {
            if (prompt.StartsWith("block", StringComparison.Ordinal))
            {
                BlockedStarted.Set();
                _release.Wait(cancellationToken);
            }

            StagingSlot final = output.AcquireFinalSlot(cancellationToken);
            int steps = job.Request.Steps;
            for (int step = 1; step <= steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (prompt.Contains($"fail@{step}", StringComparison.Ordinal))
                {
                    output.Release(final);
                    throw new InvalidOperationException($"injected fault at step {step}");
                }

                if (output.WantsPreview(step, steps) && output.TryAcquirePreviewSlot() is { } preview)
                {
                    preview.GetSpan(job.ByteCount).Fill((byte)step);
                    output.PublishPreview(preview, step, steps);
                }
            }

            final.GetSpan(job.ByteCount).Fill(255);
            output.FinalImageCopy(job.ByteCount).Fill(255);
            output.PublishFinal(final, steps);
        }
        catch (OperationCanceledException)
        {
            lock (Cancelled)
            {
                Cancelled.Add(prompt);
            }

            throw;
        }
    }

    public void Dispose()
    {
        _release.Dispose();
        BlockedStarted.Dispose();
    }
}
