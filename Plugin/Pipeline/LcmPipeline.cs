using System.Diagnostics;
using System.Numerics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Models;
using RealtimeGen.Plugin.Scheduling;
using RealtimeGen.Plugin.Text;
using RealtimeGen.Plugin.Watermarking;

namespace RealtimeGen.Plugin.Pipeline;

/// <summary>
/// Latent consistency model generation: tokenise → text encode (cached by prompt) → for each LCM step a UNet
/// run and a scheduler step → VAE decode, written as RGBA8 (or float RGBA) straight into caller memory.
/// Text-to-image and img2img, batches, per-step previews of the predicted x₀, cancellation between and inside
/// steps, seamless (circularly padded) generation for any model, windowed decoding of large images, and an
/// invisible watermark on the RGBA8 output.
/// </summary>
/// <remarks>
/// Not thread-safe: use one pipeline from one worker thread at a time (it owns the sessions and the
/// preallocated buffers). After the first generation of a given batch and size, a denoising step allocates no
/// managed memory. Dispose releases every session deterministically.
/// </remarks>
public sealed class LcmPipeline : IDisposable
{
    private readonly ILogger _logger;
    private readonly LcmPipelineOptions _options;
    private readonly Dictionary<(int, int, int, bool, int), DenoiseWorkspace> _workspaces = [];
    private readonly float[] _guidanceRow;
    private readonly long[] _tokenIds;
    private readonly RunOptions _runOptions = new();
    private DenoiseWorkspace? _stepWorkspace;
    private GenerationRequest? _stepRequest;
    private bool _disposed;
    private long _generationStart;
    private WatermarkPayload? _payload;

    /// <summary>Opens every session of <paramref name="package"/>.</summary>
    /// <exception cref="RealtimeGenException">A part does not load or the parts do not fit together.</exception>
    public LcmPipeline(ModelPackage package, LcmPipelineOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(package);
        Package = package;
        _options = options ?? new LcmPipelineOptions();
        _logger = logger ?? NullLogger.Instance;
        var factory = new SessionFactory(_options.Inference, _logger);
        Tokenizer = ClipTokenizer.Load(package.VocabularyPath, package.MergesPath, package.TokenizerMaxLength, _logger);
        Scheduler = new LcmScheduler(package.Scheduler);
        PromptCache = new PromptEmbeddingCache(_options.PromptCacheCapacity);
        try
        {
            TextEncoder = new TextEncoder(package.TextEncoder, factory, Tokenizer.MaxLength);
            Unet = new Unet(package.Unet, factory);
            VaeDecoder = new VaeDecoder(package.VaeDecoder, factory);
            VaeEncoder = package.VaeEncoder is null ? null : new VaeEncoder(package.VaeEncoder, factory, Unet.LatentChannels);
        }
        catch
        {
            DisposeModels();
            throw;
        }

        if (Unet.HiddenSize > 0 && Unet.HiddenSize != TextEncoder.HiddenSize)
        {
            DisposeModels();
            throw new RealtimeGenException(
                $"{package.Unet.ModelPath}: expected encoder_hidden_states of width {TextEncoder.HiddenSize} (the text " +
                $"encoder's hidden size); found {Unet.HiddenSize}. The parts come from different models.");
        }

        _guidanceRow = new float[Math.Max(Unet.GuidanceEmbeddingWidth, 4)];
        _tokenIds = new long[Tokenizer.MaxLength];
        EncodedTokens = package.UnetTextTokens is int read && TextEncoder.Accepts(read) ? read : Tokenizer.MaxLength;
        Provider = Unet.Provider;
        if (_options.Watermark)
        {
            // Hash the package now rather than stall the first generation (seconds for an SD-class package).
            try
            {
                _ = WatermarkPayload;
            }
            catch
            {
                DisposeModels();
                _runOptions.Dispose();
                throw;
            }
        }
    }

    /// <summary>The package the sessions were loaded from.</summary>
    public ModelPackage Package { get; }

    /// <summary>The guidance scale <paramref name="request"/> runs at: its own, else the package's default.</summary>
    public double GuidanceOf(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.GuidanceScale ?? Package.DefaultGuidanceScale;
    }

    /// <summary>The provider the UNet runs on.</summary>
    public ExecutionProvider Provider { get; }

    /// <summary>The prompt tokenizer.</summary>
    public ClipTokenizer Tokenizer { get; }

    /// <summary>The LCM scheduler (its schedule is set per generation).</summary>
    public LcmScheduler Scheduler { get; }

    /// <summary>Prompt embeddings by prompt string.</summary>
    public PromptEmbeddingCache PromptCache { get; }

    /// <summary>The text encoder session.</summary>
    public TextEncoder TextEncoder { get; }

    /// <summary>
    /// Leading tokens of each prompt the text encoder runs on: the package's <see cref="ModelPackage.UnetTextTokens"/>
    /// when it declares them and the encoder's graph takes that length, else the tokenizer's whole length.
    /// </summary>
    public int EncodedTokens { get; }

    /// <summary>The UNet session.</summary>
    public Unet Unet { get; }

    /// <summary>The VAE decoder session.</summary>
    public VaeDecoder VaeDecoder { get; }

    /// <summary>The VAE encoder session, or null when the package has none (no img2img).</summary>
    public VaeEncoder? VaeEncoder { get; }

    /// <summary>The options the pipeline was opened with.</summary>
    public LcmPipelineOptions Options => _options;

    /// <summary>The payload RGBA8 outputs are marked with: <see cref="LcmPipelineOptions.WatermarkPayload"/>, or the
    /// model's fingerprint and the RealtimeGen tag (the package is hashed when the pipeline opens).</summary>
    public WatermarkPayload WatermarkPayload =>
        _payload ??= _options.WatermarkPayload ?? WatermarkPayload.ForModel(Assets.ModelFingerprint.Compute(Package.Directory));

    /// <summary>Opens the package in <paramref name="packageDirectory"/>.</summary>
    public static LcmPipeline Load(string packageDirectory, LcmPipelineOptions? options = null, ILogger? logger = null) =>
        new(ModelPackage.Load(packageDirectory, logger), options, logger);

    /// <summary>Bytes of RGBA8 output a request produces (batch·width·height·4).</summary>
    public static int RgbaByteCount(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return checked(request.BatchSize * request.Width * request.Height * 4);
    }

    /// <summary>Generates into a new RGBA8 array (images one after another).</summary>
    public byte[] Generate(GenerationRequest request, LcmStepCallback? onStep = null, CancellationToken cancellationToken = default)
    {
        Validate(request);
        var result = new byte[RgbaByteCount(request)];
        Generate(request, result, default, onStep, null, cancellationToken);
        return result;
    }

    /// <summary>
    /// Generates into <paramref name="destination"/> as RGBA8, row-major, top row first, images one after
    /// another (e.g. a persistent-mapped GL buffer).
    /// </summary>
    /// <param name="request">What to generate.</param>
    /// <param name="destination"><see cref="RgbaByteCount"/> bytes.</param>
    /// <param name="preview">Empty, or a second buffer of the same size that receives the decoded predicted x₀
    /// after every step (a full decoder run per step).</param>
    /// <param name="onStep">Called after every step on this thread.</param>
    /// <param name="timings">Receives where the time went; null to skip.</param>
    /// <param name="cancellationToken">Checked between steps and terminates a running session.</param>
    /// <exception cref="RealtimeGenException">The request is invalid; the message says what to change.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; destination contents are unspecified.</exception>
    public void Generate(
        GenerationRequest request,
        Span<byte> destination,
        Span<byte> preview,
        LcmStepCallback? onStep,
        GenerationTimings? timings,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Generate(request, destination, request.Width * 4, preview, onStep, timings, cancellationToken);
    }

    /// <summary>
    /// Generates into <paramref name="destination"/> as RGBA8 whose rows start <paramref name="rowPitch"/> bytes apart,
    /// top row first, the images' rows one after another (row y of image b at (b·height + y)·rowPitch), e.g. a linear
    /// image of shared GPU memory whose rows the driver pads. Bytes between rows are left as they are. The pixels are the
    /// same as with tightly packed rows (rowPitch = width·4); nothing is allocated for the pitch.
    /// </summary>
    /// <param name="request">What to generate.</param>
    /// <param name="destination">(batch·height − 1)·rowPitch + width·4 bytes.</param>
    /// <param name="rowPitch">Bytes from one row's start to the next's, at least width·4.</param>
    /// <param name="preview">Empty, or tightly packed RGBA8 of <see cref="RgbaByteCount"/> bytes that receives the
    /// decoded predicted x₀ after every step.</param>
    /// <param name="onStep">Called after every step on this thread.</param>
    /// <param name="timings">Receives where the time went; null to skip.</param>
    /// <param name="cancellationToken">Checked between steps and terminates a running session.</param>
    /// <exception cref="RealtimeGenException">The request is invalid; the message says what to change.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; destination contents are unspecified.</exception>
    public void Generate(
        GenerationRequest request,
        Span<byte> destination,
        int rowPitch,
        Span<byte> preview,
        LcmStepCallback? onStep,
        GenerationTimings? timings,
        CancellationToken cancellationToken = default)
    {
        Validate(request);
        CheckPitched(destination.Length, request, rowPitch, nameof(destination));
        if (!preview.IsEmpty)
        {
            CheckLength(preview.Length, RgbaByteCount(request), nameof(preview));
        }

        DenoiseWorkspace workspace = Denoise(request, preview, onStep, timings, cancellationToken);

        // A cancellation that raced the end of the loop has set Terminate, which would fail the decoder run.
        cancellationToken.ThrowIfCancellationRequested();
        DecodeFinal(workspace, request, destination, rowPitch, timings);
    }

    /// <summary>
    /// Whether <see cref="GeneratePlanar"/> can decode <paramref name="request"/> in one decoder run straight into a
    /// caller's output: not seamless and within <see cref="LcmPipelineOptions.DecodeBudgetPixels"/> (windowed decodes
    /// blend windows on the CPU, so they only write RGBA8).
    /// </summary>
    public bool CanDecodePlanar(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return !request.Seamless && !OverDecodeBudget(request.BatchSize, request.Height / VaeDecoder.Factor, request.Width / VaeDecoder.Factor);
    }

    /// <summary>
    /// Generates and writes the decoder's output, planar float RGB [batch, 3, height, width] in the decoder's range
    /// (nominally [−1, 1], not clamped), into <paramref name="destination"/> through IOBinding: e.g. shared GPU memory
    /// that a GL pass turns into a texture (<see cref="Engine.ExternalMemory.PlanarToRgbaPass"/> converts exactly as the
    /// RGBA8 path does). Never watermarked. After the first call with a given destination and shape, allocates nothing.
    /// </summary>
    /// <param name="request">What to generate; see <see cref="CanDecodePlanar"/>.</param>
    /// <param name="destination">A float32 tensor [batch, 3, height, width], on a device the decoder session can write.</param>
    /// <param name="onStep">Called after every step on this thread (may call <see cref="DecodePreview(OrtValue)"/>).</param>
    /// <param name="timings">Receives where the time went; null to skip.</param>
    /// <param name="cancellationToken">Checked between steps and terminates a running session.</param>
    /// <exception cref="RealtimeGenException">The request is invalid or needs a windowed decode, or the destination
    /// is not a float32 tensor of that shape; checked before any work.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; destination contents are unspecified.</exception>
    public void GeneratePlanar(
        GenerationRequest request,
        OrtValue destination,
        LcmStepCallback? onStep = null,
        GenerationTimings? timings = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        DenoiseWorkspace workspace = DenoiseForDecode(request, onStep, timings, cancellationToken, destination);

        // A cancellation that raced the end of the loop has set Terminate, which would fail the decoder run.
        cancellationToken.ThrowIfCancellationRequested();
        DecodeFinal(workspace, destination, timings);
    }

    /// <summary>Validates, checks the planar destination when given (before any work), and denoises: the latents are
    /// then ready for a <c>DecodeFinal</c>. For callers that choose where the final image goes only once it is due.</summary>
    internal DenoiseWorkspace DenoiseForDecode(
        GenerationRequest request, LcmStepCallback? onStep, GenerationTimings? timings, CancellationToken cancellationToken, OrtValue? planar = null)
    {
        Validate(request);
        if (planar is not null)
        {
            RequirePlanar(request);
            bool classic = !Unet.HasGuidanceEmbedding && GuidanceOf(request) > 1.0;
            _ = Workspace(request.BatchSize, request.Height / 8, request.Width / 8, classic, 0).PlanarBinding(planar);
        }

        return Denoise(request, default, onStep, timings, cancellationToken);
    }

    /// <summary>Decodes the final latents of <see cref="DenoiseForDecode"/>
    /// into a planar output.</summary>
    internal void DecodeFinal(DenoiseWorkspace workspace, OrtValue destination, GenerationTimings? timings)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long start = Stopwatch.GetTimestamp();
        DecodePlanar(workspace, workspace.Latents, destination);
        FinishTimings(timings, start);
    }

    /// <summary>Decodes the final latents into RGBA8 at <paramref name="rowPitch"/>, watermarked per the options.</summary>
    internal void DecodeFinal(DenoiseWorkspace workspace, GenerationRequest request, Span<byte> destination, int rowPitch, GenerationTimings? timings)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckPitched(destination.Length, request, rowPitch, nameof(destination));
        long start = Stopwatch.GetTimestamp();
        ReadOnlySpan<float> decoded = DecodeLatents(workspace, workspace.Latents, request.Seamless);
        WriteRgba(decoded, request.Width, request.Height, workspace.Batch, destination, rowPitch);
        Mark(destination, request, rowPitch);
        FinishTimings(timings, start);
    }

    /// <summary>
    /// Decodes the predicted x₀ of the step just done into <paramref name="destination"/> as planar float RGB (as
    /// <see cref="GeneratePlanar"/> writes the final image); call it only from inside an <see cref="LcmStepCallback"/>
    /// of a request <see cref="CanDecodePlanar"/> accepts. Never watermarked.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called outside a step callback.</exception>
    /// <exception cref="RealtimeGenException">The running request needs a windowed decode, or the destination is not
    /// a float32 tensor [batch, 3, height, width].</exception>
    public void DecodePreview(OrtValue destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stepWorkspace is not { } workspace || _stepRequest is not { } request)
        {
            throw new InvalidOperationException("DecodePreview is only valid inside a step callback of a running generation.");
        }

        RequirePlanar(request);
        DecodePlanar(workspace, workspace.Denoised, destination);
    }

    /// <summary>Generates into <paramref name="destination"/> as float RGBA in [0, 1] (alpha 1), images one after another.
    /// Float output is never watermarked.</summary>
    public void GenerateFloat(GenerationRequest request, Span<float> destination, LcmStepCallback? onStep = null, CancellationToken cancellationToken = default)
    {
        Validate(request);
        CheckLength(destination.Length, RgbaByteCount(request), nameof(destination));
        DenoiseWorkspace workspace = Denoise(request, default, onStep, null, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        ReadOnlySpan<float> planar = DecodeLatents(workspace, workspace.Latents, request.Seamless);
        int plane = request.Width * request.Height;
        for (int b = 0; b < workspace.Batch; b++)
        {
            ReadOnlySpan<float> image = planar.Slice(b * 3 * plane, 3 * plane);
            Span<float> target = destination.Slice(b * 4 * plane, 4 * plane);
            for (int i = 0; i < plane; i++)
            {
                for (int c = 0; c < 3; c++)
                {
                    target[(i * 4) + c] = Math.Clamp((image[(c * plane) + i] * 0.5f) + 0.5f, 0f, 1f);
                }

                target[(i * 4) + 3] = 1f;
            }
        }
    }

    /// <summary>
    /// Runs one small generation at the given size so that sessions are initialised and the buffers of that
    /// shape exist; later generations of that shape then allocate nothing and run at full speed.
    /// </summary>
    public void WarmUp(int width = 128, int height = 128, int batchSize = 1)
    {
        // Two steps run both the re-noising and the final branch of the step loop.
        // Two generations: the runtime still allocates a little on the second call of a path (measured).
        var request = new GenerationRequest { Width = width, Height = height, BatchSize = batchSize, Steps = 2 };
        var scratch = new byte[RgbaByteCount(request)];
        for (int i = 0; i < 2; i++)
        {
            Generate(request, scratch, default, null, null);
            if (!Unet.HasGuidanceEmbedding)
            {
                Generate(request with { GuidanceScale = 1.0 }, scratch, default, null, null);
            }
        }
    }

    /// <summary>
    /// Decodes the predicted x₀ of the step just done to RGBA8 in <paramref name="destination"/>; call it only from
    /// inside an <see cref="LcmStepCallback"/>. Lets a caller pick a fresh buffer for each preview (e.g. a staging
    /// slot per step) and skip steps, where the <c>preview</c> argument of Generate decodes every step into one buffer.
    /// </summary>
    /// <param name="destination"><see cref="RgbaByteCount"/> bytes of the running request.</param>
    /// <exception cref="InvalidOperationException">Called outside a step callback.</exception>
    public void DecodePreview(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stepRequest is not { } request)
        {
            throw new InvalidOperationException("DecodePreview is only valid inside a step callback of a running generation.");
        }

        DecodePreview(destination, request.Width * 4);
    }

    /// <summary>
    /// <see cref="DecodePreview(Span{byte})"/> into rows <paramref name="rowPitch"/> bytes apart (the layout of the
    /// pitched <see cref="Generate(GenerationRequest, Span{byte}, int, Span{byte}, LcmStepCallback?, GenerationTimings?, CancellationToken)"/>).
    /// </summary>
    /// <param name="destination">(batch·height − 1)·rowPitch + width·4 bytes.</param>
    /// <param name="rowPitch">Bytes from one row's start to the next's, at least width·4.</param>
    /// <exception cref="InvalidOperationException">Called outside a step callback.</exception>
    public void DecodePreview(Span<byte> destination, int rowPitch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stepWorkspace is not { } workspace || _stepRequest is not { } request)
        {
            throw new InvalidOperationException("DecodePreview is only valid inside a step callback of a running generation.");
        }

        CheckPitched(destination.Length, request, rowPitch, nameof(destination));
        ReadOnlySpan<float> decoded = DecodeLatents(workspace, workspace.Denoised, request.Seamless);
        WriteRgba(decoded, request.Width, request.Height, workspace.Batch, destination, rowPitch);
        Mark(destination, request, rowPitch);
    }

    /// <summary>The prompt's text embedding (L·D floats), from the cache or by running the text encoder.</summary>
    /// <remarks>The returned array is shared with the cache: do not write to it.</remarks>
    public float[] EncodePrompt(string prompt, GenerationTimings? timings = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (PromptCache.TryGet(prompt, out float[] cached))
        {
            return cached;
        }

        long start = Stopwatch.GetTimestamp();
        int count = Tokenizer.Encode(prompt, _tokenIds);
        if (count > EncodedTokens)
        {
            // The package's UNet reads fewer states than the tokenizer writes: the rest of the prompt has no effect.
            PluginLog.PromptTruncated(_logger, count, EncodedTokens);
        }

        long tokenized = Stopwatch.GetTimestamp();
        var embedding = new float[Tokenizer.MaxLength * TextEncoder.HiddenSize];
        TextEncoder.Encode(_tokenIds, 1, EncodedTokens, embedding, _runOptions);
        if (timings is not null)
        {
            timings.TokenizeTicks += tokenized - start;
            timings.TextEncodeTicks += Stopwatch.GetTimestamp() - tokenized;
        }

        PromptCache.Add(prompt, embedding);
        return embedding;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (DenoiseWorkspace workspace in _workspaces.Values)
        {
            workspace.Dispose();
        }

        _workspaces.Clear();
        DisposeModels();
        _runOptions.Dispose();
    }

    private void FinishTimings(GenerationTimings? timings, long decodeStart)
    {
        if (timings is not null)
        {
            long end = Stopwatch.GetTimestamp();
            timings.DecodeTicks += end - decodeStart;
            timings.TotalTicks += end - _generationStart;
        }
    }

    private void RequirePlanar(GenerationRequest request)
    {
        if (!CanDecodePlanar(request))
        {
            throw new RealtimeGenException(
                $"A planar decoder output needs one decoder run over the whole image: found a {(request.Seamless ? "seamless " : "")}" +
                $"{request.Width}×{request.Height} request (batch {request.BatchSize}) against a decode budget of " +
                $"{_options.DecodeBudgetPixels} pixels. Use the RGBA8 path, which decodes in windows, or a smaller non-seamless request.");
        }
    }

    private bool OverDecodeBudget(int batch, int latentHeight, int latentWidth) =>
        (long)batch * latentHeight * latentWidth * VaeDecoder.Factor * VaeDecoder.Factor > _options.DecodeBudgetPixels;

    // One decoder run, its output bound to the caller's value; no CPU conversion, no watermark.
    private void DecodePlanar(DenoiseWorkspace workspace, float[] latents, OrtValue destination)
    {
        PlanarDecodeBinding binding = workspace.PlanarBinding(destination);
        Span<float> input = workspace.DecoderBinding.Input(0).Floats;
        float inverse = (float)(1.0 / Package.VaeScalingFactor);
        for (int i = 0; i < latents.Length; i++)
        {
            input[i] = latents[i] * inverse;
        }

        binding.Run(_runOptions);
    }

    private DenoiseWorkspace Denoise(
        GenerationRequest request,
        Span<byte> preview,
        LcmStepCallback? onStep,
        GenerationTimings? timings,
        CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _generationStart = Stopwatch.GetTimestamp();
        timings?.Reset();
        cancellationToken.ThrowIfCancellationRequested();

        double guidance = GuidanceOf(request);
        bool classic = !Unet.HasGuidanceEmbedding && guidance > 1.0;
        bool img2img = request.InitImage is not null;
        if (img2img && VaeEncoder is null)
        {
            throw new RealtimeGenException(
                $"img2img needs a VAE encoder; the package {Package.Directory} has no vae_encoder/model.onnx.");
        }

        // Set the schedule first: it validates steps against strength before any work is done.
        bool denoise = !img2img || request.Strength > 0;
        if (denoise)
        {
            Scheduler.SetTimesteps(request.Steps, img2img ? request.Strength : 1.0);
        }

        // A cancelled previous job leaves Terminate set; clear it before this job's first session run (the text
        // encoder), or that run fails at once.
        _runOptions.Terminate = false;
        float[] conditional = EncodePrompt(request.Prompt, timings);
        float[]? unconditional = classic ? EncodePrompt(request.NegativePrompt, timings) : null;
        DenoiseWorkspace workspace = Workspace(
            request.BatchSize, request.Height / 8, request.Width / 8, classic, request.Seamless ? _options.SeamlessPadding : 0);
        PrepareConditioning(workspace, conditional, unconditional, guidance);
        _stepWorkspace = workspace;
        _stepRequest = request;

        using CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((RunOptions)state!).Terminate = true, _runOptions)
            : default;
        try
        {
            for (int b = 0; b < workspace.Batch; b++)
            {
                workspace.Noises[b].Reset(request.Seed, b);
            }

            workspace.DrawNoise();
            if (img2img)
            {
                EncodeInitImage(request, workspace, timings);
                if (!denoise)
                {
                    return workspace;
                }

                Scheduler.AddNoise(workspace.Latents, workspace.Noise, Scheduler.Timesteps[0], workspace.Latents);
            }
            else
            {
                workspace.Noise.CopyTo(workspace.Latents, 0);
            }

            int steps = Scheduler.Timesteps.Length;
            for (int step = 0; step < steps; step++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    PluginLog.GenerationCancelled(_logger, step, steps);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                RunStep(workspace, step, request, guidance, timings);
                if (onStep is not null || !preview.IsEmpty)
                {
                    long start = Stopwatch.GetTimestamp();
                    if (!preview.IsEmpty)
                    {
                        ReadOnlySpan<float> decoded = DecodeLatents(workspace, workspace.Denoised, request.Seamless);
                        WriteRgba(decoded, request.Width, request.Height, workspace.Batch, preview, request.Width * 4);
                        Mark(preview, request, request.Width * 4);
                    }

                    onStep?.Invoke(new LcmStepProgress(step + 1, steps, Scheduler.Timesteps[step], workspace.Denoised, preview));
                    if (timings is not null)
                    {
                        timings.PreviewTicks += Stopwatch.GetTimestamp() - start;
                    }
                }
            }
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            PluginLog.GenerationCancelled(_logger, -1, request.Steps);
            throw new OperationCanceledException(cancellationToken);
        }
        catch (OnnxRuntimeException e)
        {
            // Shape errors are the usual cause: the UNet halves the latent several times and concatenates skips.
            int padded = workspace.Padding * 2 * VaeDecoder.Factor;
            throw new RealtimeGenException(
                $"{Package.Unet.ModelPath}: the UNet failed on a {request.Width}×{request.Height} request" +
                (padded > 0 ? $" ({request.Width + padded}×{request.Height + padded} with seamless padding)" : "") +
                $": {e.Message} Most models need sizes that are multiples of 32 or 64 (the shipped model: 32), e.g. " +
                $"{RoundUp(request.Width, 32)}×{RoundUp(request.Height, 32)}.", e);
        }
        finally
        {
            _stepWorkspace = null;
            _stepRequest = null;
        }

        return workspace;
    }

    private void RunStep(DenoiseWorkspace workspace, int step, GenerationRequest request, double guidance, GenerationTimings? timings)
    {
        long start = Stopwatch.GetTimestamp();
        SessionBinding unet = workspace.UnetBinding;
        Span<float> sample = unet.Input(0).Floats;
        float[] latents = workspace.Latents;
        int pad = workspace.Padding;
        int planes = workspace.Batch * Unet.LatentChannels;
        int h = workspace.LatentHeight;
        int w = workspace.LatentWidth;
        (int rollX, int rollY) = request.SeamlessRoll && pad > 0 ? Roll(request.Seed, step, w, h) : (0, 0);
        if (pad > 0)
        {
            LatentWrap.Pad(latents, planes, h, w, pad, rollX, rollY, sample);
        }
        else
        {
            latents.CopyTo(sample);
        }

        if (workspace.ClassicGuidance)
        {
            int half = sample.Length / 2;
            sample[..half].CopyTo(sample[half..]);
        }

        unet.Input(1).Integers.Fill(Scheduler.Timesteps[step]);
        unet.Run(_runOptions);
        long ran = Stopwatch.GetTimestamp();

        ReadOnlySpan<float> output = unet.Output(0).Floats;
        if (pad > 0)
        {
            LatentWrap.Crop(output, workspace.ClassicGuidance ? 2 * planes : planes, h, w, pad, rollX, rollY, workspace.Cropped);
            output = workspace.Cropped;
        }

        ReadOnlySpan<float> modelOutput = output;
        if (workspace.ClassicGuidance)
        {
            // Classic CFG: the first half of the batch is unconditional, the second conditional.
            int n = latents.Length;
            float scale = (float)guidance;
            Span<float> guided = workspace.Guided;
            for (int i = 0; i < n; i++)
            {
                float u = output[i];
                guided[i] = u + (scale * (output[n + i] - u));
            }

            modelOutput = guided;
        }

        bool last = step == Scheduler.Timesteps.Length - 1;
        if (!last)
        {
            workspace.DrawNoise();
        }

        Scheduler.Step(step, modelOutput, latents, workspace.Noise, latents, workspace.Denoised);
        if (timings is not null)
        {
            long end = Stopwatch.GetTimestamp();
            timings.UnetTicks += ran - start;
            timings.UnetRuns++;
            timings.SchedulerTicks += end - ran;
        }
    }

    private void PrepareConditioning(DenoiseWorkspace workspace, float[] conditional, float[]? unconditional, double guidance)
    {
        SessionBinding unet = workspace.UnetBinding;
        Span<float> hidden = unet.Input(2).Floats;
        int perImage = conditional.Length;
        int offset = 0;
        if (unconditional is not null)
        {
            for (int b = 0; b < workspace.Batch; b++, offset += perImage)
            {
                unconditional.CopyTo(hidden.Slice(offset, perImage));
            }
        }

        for (int b = 0; b < workspace.Batch; b++, offset += perImage)
        {
            conditional.CopyTo(hidden.Slice(offset, perImage));
        }

        if (Unet.HasGuidanceEmbedding)
        {
            int width = Unet.GuidanceEmbeddingWidth;
            Span<float> row = _guidanceRow.AsSpan(0, width);
            GuidanceEmbedding.Write(guidance, row);
            Span<float> cond = unet.Input(3).Floats;
            for (int b = 0; b < workspace.Batch; b++)
            {
                row.CopyTo(cond.Slice(b * width, width));
            }
        }
    }

    private void EncodeInitImage(GenerationRequest request, DenoiseWorkspace workspace, GenerationTimings? timings)
    {
        long start = Stopwatch.GetTimestamp();
        InitImage image = request.InitImage!;
        int plane = request.Width * request.Height;
        var pixels = new float[workspace.Batch * 3 * plane];
        for (int b = 0; b < workspace.Batch; b++)
        {
            image.WritePlanar(pixels.AsSpan(b * 3 * plane, 3 * plane));
        }

        if (request.Seamless)
        {
            // The encoder, too, sees the image wrapped around, so a tiling init image gives tiling latents.
            int pad = _options.SeamlessPadding;
            int f = VaeDecoder.Factor;
            int paddedW = request.Width + (2 * pad * f);
            int paddedH = request.Height + (2 * pad * f);
            var paddedPixels = new float[workspace.Batch * 3 * paddedW * paddedH];
            LatentWrap.Pad(pixels, workspace.Batch * 3, request.Height, request.Width, pad * f, 0, 0, paddedPixels);
            var paddedLatents = new float[workspace.Batch * Unet.LatentChannels * (paddedH / f) * (paddedW / f)];
            VaeEncoder!.Encode(paddedPixels, workspace.Batch, paddedH, paddedW, paddedLatents, _runOptions);
            LatentWrap.Crop(paddedLatents, workspace.Batch * Unet.LatentChannels, workspace.LatentHeight, workspace.LatentWidth, pad, 0, 0, workspace.Latents);
        }
        else
        {
            VaeEncoder!.Encode(pixels, workspace.Batch, request.Height, request.Width, workspace.Latents, _runOptions);
        }
        float scaling = (float)Package.VaeScalingFactor;
        float[] latents = workspace.Latents;
        for (int i = 0; i < latents.Length; i++)
        {
            latents[i] *= scaling;
        }

        if (timings is not null)
        {
            timings.EncodeTicks += Stopwatch.GetTimestamp() - start;
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    // Previews are marked too: whatever RGBA8 the pipeline hands out carries the mark. Seamless output is marked on the
    // wrapping grid, which keeps it tiling.
    private void Mark(Span<byte> rgba, GenerationRequest request, int rowPitch)
    {
        if (!_options.Watermark)
        {
            return;
        }

        WatermarkPayload payload = WatermarkPayload;
        int perImage = ((request.Height - 1) * rowPitch) + (request.Width * 4);
        for (int b = 0; b < request.BatchSize; b++)
        {
            InvisibleWatermark.Embed(
                rgba.Slice(b * request.Height * rowPitch, perImage), request.Width, request.Height, rowPitch, payload,
                _options.WatermarkStrength, request.Seamless);
        }
    }

    // A per-step offset that depends only on (seed, step), so rolled generations stay reproducible.
    private static (int X, int Y) Roll(long seed, int step, int width, int height)
    {
        ulong x = unchecked(((ulong)seed * 0x9E3779B97F4A7C15UL) + ((ulong)(step + 1) * 0xBF58476D1CE4E5B9UL));
        x ^= x >> 31;
        x = unchecked(x * 0x94D049BB133111EBUL);
        x ^= x >> 29;
        return ((int)(x % (ulong)width), (int)((x >> 32) % (ulong)height));
    }

    private ReadOnlySpan<float> DecodeLatents(DenoiseWorkspace workspace, float[] latents, bool seamless)
    {
        int h = workspace.LatentHeight;
        int w = workspace.LatentWidth;
        bool overBudget = OverDecodeBudget(workspace.Batch, h, w);
        if (seamless || overBudget)
        {
            int core = overBudget ? _options.DecodeTileLatents : Math.Max(h, w);
            int overlap = Math.Max(overBudget ? _options.DecodeOverlapLatents : 0, seamless ? _options.SeamlessPadding : 0);
            (int windowH, int windowW) = TiledDecoder.WindowSize(h, w, core, overlap, seamless);
            TiledDecoder.Decode(
                workspace.WindowBinding(windowH, windowW), latents, workspace.Batch, h, w, core, overlap, seamless,
                (float)(1.0 / Package.VaeScalingFactor), workspace.Image, workspace.Weights, _runOptions);
            return workspace.Image;
        }

        SessionBinding decoder = workspace.DecoderBinding;
        Span<float> input = decoder.Input(0).Floats;
        float inverse = (float)(1.0 / Package.VaeScalingFactor);
        for (int i = 0; i < latents.Length; i++)
        {
            input[i] = latents[i] * inverse;
        }

        decoder.Run(_runOptions);
        return decoder.Output(0).Floats;
    }

    // Row by row, so that rows padded to the destination's pitch cost nothing extra: tight rows are the pitch width·4.
    // Internal: the route-decode benchmark converts a planar output with it to compare the two decode paths.
    internal static void WriteRgba(ReadOnlySpan<float> planar, int width, int height, int batch, Span<byte> destination, int rowPitch)
    {
        int plane = width * height;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> r = planar.Slice(b * 3 * plane, plane);
            ReadOnlySpan<float> g = planar.Slice((b * 3 * plane) + plane, plane);
            ReadOnlySpan<float> bl = planar.Slice((b * 3 * plane) + (2 * plane), plane);
            for (int y = 0; y < height; y++)
            {
                Span<byte> row = destination.Slice(((b * height) + y) * rowPitch, width * 4);
                int first = y * width;
                for (int x = 0; x < width; x++)
                {
                    int i = first + x;
                    row[x * 4] = ToByte(r[i]);
                    row[(x * 4) + 1] = ToByte(g[i]);
                    row[(x * 4) + 2] = ToByte(bl[i]);
                    row[(x * 4) + 3] = 255;
                }
            }
        }
    }

    // diffusers: (x / 2 + 0.5).clamp(0, 1) * 255, rounded.
    private static byte ToByte(float value) => (byte)((Math.Clamp((value * 0.5f) + 0.5f, 0f, 1f) * 255f) + 0.5f);

    private static void CheckPitched(int found, GenerationRequest request, int rowPitch, string name)
    {
        if (rowPitch < request.Width * 4)
        {
            throw new ArgumentOutOfRangeException(
                nameof(rowPitch), rowPitch, $"Expected a row pitch of at least {request.Width * 4} bytes (width × 4).");
        }

        long expected = (((long)request.BatchSize * request.Height - 1) * rowPitch) + (request.Width * 4L);
        if (found != expected)
        {
            throw new ArgumentException(
                $"Expected {expected} bytes ((batch × height − 1) × row pitch {rowPitch} + width × 4); found {found}.", name);
        }
    }

    private static void CheckLength(int found, int expected, string name)
    {
        if (found != expected)
        {
            throw new ArgumentException($"Expected {expected} elements (batch × width × height × 4); found {found}.", name);
        }
    }

    private DenoiseWorkspace Workspace(int batch, int latentHeight, int latentWidth, bool classic, int padding)
    {
        var key = (batch, latentHeight, latentWidth, classic, padding);
        if (!_workspaces.TryGetValue(key, out DenoiseWorkspace? workspace))
        {
            workspace = new DenoiseWorkspace(
                Unet, VaeDecoder, batch, latentHeight, latentWidth, classic, Tokenizer.MaxLength, TextEncoder.HiddenSize, padding);
            _workspaces.Add(key, workspace);
        }

        return workspace;
    }

    private void Validate(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Prompt, nameof(request));
        ArgumentNullException.ThrowIfNull(request.NegativePrompt, nameof(request));
        int max = _options.MaxImageSize;
        int multiple = Package.SizeMultiple;
        if (request.Width < multiple || request.Height < multiple || request.Width % multiple != 0 || request.Height % multiple != 0
            || request.Width > max || request.Height > max)
        {
            throw new RealtimeGenException(
                $"Expected width and height that are multiples of {multiple} between {multiple} and {max} for the model at " +
                $"{Package.Directory}; found {request.Width}×{request.Height}. The VAE works on 8×8 pixel cells and the UNet " +
                $"halves the latent {BitOperations.Log2((uint)multiple) - 3} time(s): round to e.g. " +
                $"{Math.Clamp(RoundUp(request.Width, multiple), multiple, max)}×{Math.Clamp(RoundUp(request.Height, multiple), multiple, max)}.");
        }

        if (request.Seamless && _options.SeamlessPadding < 1)
        {
            throw new RealtimeGenException(
                $"Seamless generation needs LcmPipelineOptions.SeamlessPadding of at least 1 latent cell; found {_options.SeamlessPadding}.");
        }

        if (request.Steps < 1 || request.Steps > Scheduler.MaxSteps)
        {
            throw new RealtimeGenException(
                $"Expected 1 to {Scheduler.MaxSteps} steps (the model's original_inference_steps); found " +
                $"{request.Steps}. LCMs need 1–8; 4 is the usual choice.");
        }

        if (request.BatchSize < 1 || request.BatchSize > _options.MaxBatchSize)
        {
            throw new RealtimeGenException(
                $"Expected a batch of 1 to {_options.MaxBatchSize}; found {request.BatchSize}.");
        }

        if (request.GuidanceScale is { } w && !(w >= 0 && w <= 100))
        {
            throw new RealtimeGenException(
                $"Expected a guidance scale between 0 and 100; found {w}. Leave it unset for the model's own " +
                $"default ({Package.DefaultGuidanceScale}).");
        }

        if (request.InitImage is { } image)
        {
            if (double.IsNaN(request.Strength) || request.Strength < 0 || request.Strength > 1)
            {
                throw new RealtimeGenException($"Expected an img2img strength in [0, 1]; found {request.Strength}.");
            }

            if (image.Width != request.Width || image.Height != request.Height)
            {
                throw new RealtimeGenException(
                    $"Expected an init image of {request.Width}×{request.Height} (the request size); found " +
                    $"{image.Width}×{image.Height}. Load it with InitImage.Load(path, width, height) to resize it.");
            }
        }
    }

    private void DisposeModels()
    {
        TextEncoder?.Dispose();
        Unet?.Dispose();
        VaeDecoder?.Dispose();
        VaeEncoder?.Dispose();
    }
}
