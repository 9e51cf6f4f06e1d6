using Microsoft.Extensions.Logging;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;
using RealtimeGen.Plugin.Watermarking;

namespace RealtimeGen.Plugin.Generation;

/// <summary>
/// Generates with an <see cref="LcmPipeline"/>, decoding previews and the final image straight into staging slots
/// (mapped GPU upload memory, or the shared memory a texture is sampled from, at the slot's row pitch): no managed
/// image arrays in between.
/// </summary>
public sealed class LcmGenerationBackend : IGenerationBackend
{
    private readonly bool _ownsPipeline;
    private GenerationJob? _job;
    private IGenerationOutput? _output;
    private byte[]? _tightScratch;
    private int _steps;
    private string? _modelHash;

    /// <summary>Wraps <paramref name="pipeline"/>, which must not be used elsewhere while jobs run.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="ownsPipeline">Whether <see cref="Dispose"/> disposes the pipeline.</param>
    public LcmGenerationBackend(LcmPipeline pipeline, bool ownsPipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        Pipeline = pipeline;
        _ownsPipeline = ownsPipeline;
        StepCallback = OnStep;
    }

    /// <summary>The pipeline.</summary>
    public LcmPipeline Pipeline { get; }

    /// <summary>Applied to every final image before it is published; null for none. The one place where a job's final
    /// RGBA is complete, after the pipeline's own watermark (e.g. for a host's post-processing).</summary>
    public FinalImageFilter? FinalImageFilter { get; init; }

    private LcmStepCallback StepCallback { get; }

    /// <summary>Loads the package in <paramref name="packageDirectory"/> into a pipeline this backend owns.</summary>
    public static LcmGenerationBackend Load(string packageDirectory, LcmPipelineOptions? options = null, ILogger? logger = null) =>
        new(LcmPipeline.Load(packageDirectory, options, logger), ownsPipeline: true);

    /// <inheritdoc/>
    public void Generate(GenerationJob job, IGenerationOutput output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(output);
        StagingSlot final = output.AcquireFinalSlot(cancellationToken);
        _job = job;
        _output = output;
        _steps = job.Request.Steps;
        try
        {
            GenerationRequest request = job.Request;
            int width = request.Width;
            int height = request.Height;
            int pitch = final.RowPitch(width);
            Span<byte> copy = output.FinalImageCopy(job.ByteCount);
            if (copy.IsEmpty && FinalImageFilter is not null && pitch != width * 4)
            {
                // The filter takes tightly packed rows; the slot's are padded (shared GPU memory).
                copy = TightScratch(job.ByteCount);
            }

            if (copy.IsEmpty)
            {
                // Straight into the slot, at its row pitch: for a slot bound to shared memory the texture's own memory.
                Span<byte> slot = final.GetImage(width, height);
                Pipeline.Generate(request, slot, pitch, default, StepCallback, null, cancellationToken);
                CompleteFinalImage(slot, width, height);
            }
            else
            {
                // A kept image is decoded into worker memory and copied on: the slot may be write-only mapped memory.
                Pipeline.Generate(request, copy, default, StepCallback, null, cancellationToken);
                CompleteFinalImage(copy, width, height);
                final.WriteTightRows(copy, width, height);
            }
        }
        catch
        {
            output.Release(final);
            throw;
        }
        finally
        {
            _job = null;
            _output = null;
        }

        output.PublishFinal(final, _steps);
    }

    /// <inheritdoc/>
    /// <remarks>The key of <see cref="AssetKey.For"/> with the package's <see cref="ModelFingerprint"/> and the
    /// pipeline's watermark setting, as the baker uses, so baked assets are hits; null with a
    /// <see cref="FinalImageFilter"/> or a watermark payload or strength other than the default, which the key does not
    /// name.</remarks>
    public AssetKey? CacheKeyOf(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        LcmPipelineOptions options = Pipeline.Options;
        bool customMark = options.Watermark
            && (options.WatermarkPayload is not null || options.WatermarkStrength != InvisibleWatermark.DefaultStrength);
        if (FinalImageFilter is not null || customMark)
        {
            return null;
        }

        _modelHash ??= ModelFingerprint.Compute(Pipeline.Package.Directory);
        return AssetKey.For(request, _modelHash, Pipeline.Options.Watermark);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsPipeline)
        {
            Pipeline.Dispose();
        }
    }

    // Allocated once per image size, only for a final image filter over a slot with padded rows.
    private Span<byte> TightScratch(int byteCount)
    {
        if (_tightScratch is null || _tightScratch.Length != byteCount)
        {
            _tightScratch = new byte[byteCount];
        }

        return _tightScratch;
    }

    // The final RGBA of the job is complete here and nowhere else.
    private void CompleteFinalImage(Span<byte> rgba, int width, int height) => FinalImageFilter?.Invoke(rgba, width, height);

    private void OnStep(in LcmStepProgress progress)
    {
        IGenerationOutput output = _output!;
        _steps = progress.StepCount;
        if (progress.Step >= progress.StepCount || !output.WantsPreview(progress.Step, progress.StepCount))
        {
            return;
        }

        if (output.TryAcquirePreviewSlot() is not { } slot)
        {
            return;
        }

        try
        {
            GenerationRequest request = _job!.Request;
            Pipeline.DecodePreview(slot.GetImage(request.Width, request.Height), slot.RowPitch(request.Width));
        }
        catch
        {
            output.Release(slot);
            throw;
        }

        output.PublishPreview(slot, progress.Step, progress.StepCount);
    }
}
