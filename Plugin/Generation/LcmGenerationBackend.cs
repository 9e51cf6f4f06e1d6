using Microsoft.Extensions.Logging;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Inference;
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
    private bool _routed;
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
    /// <remarks>Where the job's texture has a GPU output route (<see cref="IGenerationOutput.HasRoutes"/>) for the
    /// decoder's provider, previews are decoded straight into it, and so is the final image unless it needs the CPU (the
    /// pipeline's watermark, a <see cref="FinalImageFilter"/>, or a copy kept for the asset cache): then it goes through
    /// a slot. Seamless and windowed decodes always go through slots.</remarks>
    public void Generate(GenerationJob job, IGenerationOutput output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(output);
        GenerationRequest request = job.Request;
        _routed = output.HasRoutes && Pipeline.CanDecodePlanar(request);
        if (_routed && FinalGoesThroughRoute(output, job))
        {
            GenerateIntoRoute(job, output, cancellationToken);
            return;
        }

        StagingSlot final = output.AcquireFinalSlot(cancellationToken);
        _job = job;
        _output = output;
        _steps = request.Steps;
        try
        {
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

    // The CPU touches the final image for the watermark, a filter, or the asset cache's copy; nothing else needs it.
    private bool FinalGoesThroughRoute(IGenerationOutput output, GenerationJob job) =>
        !Pipeline.Options.Watermark && FinalImageFilter is null && output.FinalImageCopy(job.ByteCount).IsEmpty;

    // Denoises, then decodes the final image into the texture's route once the route is free (the worker polls, as for
    // a final slot); a texture without a route of this size takes the final through a slot.
    private void GenerateIntoRoute(GenerationJob job, IGenerationOutput output, CancellationToken cancellationToken)
    {
        GenerationRequest request = job.Request;
        _job = job;
        _output = output;
        _steps = request.Steps;
        DenoiseWorkspace workspace;
        try
        {
            workspace = Pipeline.DenoiseForDecode(request, StepCallback, null, cancellationToken);
        }
        finally
        {
            _job = null;
            _output = null;
        }

        // A cancellation that raced the end of the loop has set Terminate, which would fail the decoder run.
        cancellationToken.ThrowIfCancellationRequested();
        ExecutionProvider provider = Pipeline.VaeDecoder.Provider;
        RouteWriteStatus status;
        IGpuOutputRoute? route;
        while ((status = output.TryBeginRouteWrite(provider, out route)) == RouteWriteStatus.Busy)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Thread.Sleep(1);
        }

        if (status == RouteWriteStatus.Begun)
        {
            try
            {
                Pipeline.DecodeFinal(workspace, route!.DecoderOutput, null);
                route.EndWrite();
            }
            catch
            {
                output.Release(route!);
                throw;
            }

            output.PublishFinal(route, _steps);
            return;
        }

        StagingSlot final = output.AcquireFinalSlot(cancellationToken);
        try
        {
            Pipeline.DecodeFinal(workspace, request, final.GetImage(request.Width, request.Height), final.RowPitch(request.Width), null);
        }
        catch
        {
            output.Release(final);
            throw;
        }

        output.PublishFinal(final, _steps);
    }

    // A preview into the texture's route: true when done or skipped (route busy), false when the texture has no route.
    private bool TryPreviewIntoRoute(IGenerationOutput output, in LcmStepProgress progress)
    {
        switch (output.TryBeginRouteWrite(Pipeline.VaeDecoder.Provider, out IGpuOutputRoute? route))
        {
            case RouteWriteStatus.Busy:
                return true;
            case RouteWriteStatus.Begun:
                try
                {
                    Pipeline.DecodePreview(route!.DecoderOutput);
                    route.EndWrite();
                }
                catch
                {
                    output.Release(route!);
                    throw;
                }

                output.PublishPreview(route, progress.Step, progress.StepCount);
                return true;
            default:
                return false;
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

        if (_routed && TryPreviewIntoRoute(output, in progress))
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
