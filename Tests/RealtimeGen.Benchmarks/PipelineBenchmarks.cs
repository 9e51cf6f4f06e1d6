using BenchmarkDotNet.Attributes;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Models;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Benchmarks;

/// <summary>
/// The shipped model on one intra-op thread: 4-step 128×128 generation end to end (prompt cached and not),
/// and its stages. Run with <c>dotnet run -c Release --project Tests/RealtimeGen.Benchmarks -- --filter *Pipeline*</c>.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private const string Prompt = "mossy red brick wall";

    private LcmPipeline _pipeline = null!;
    private GenerationRequest _request = null!;
    private byte[] _destination = [];
    private float[] _latents = [];
    private float[] _embedding = [];
    private float[] _guidance = [];
    private float[] _unetOutput = [];
    private float[] _image = [];
    private long[] _ids = [];
    private float[] _textOutput = [];

    [GlobalSetup]
    public void Setup()
    {
        string model = ModelPackage.FindDefault(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("Models/rtg-texture-lcm not found above " + AppContext.BaseDirectory);
        _pipeline = LcmPipeline.Load(model, new LcmPipelineOptions
        {
            Inference = new InferenceOptions { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 },
        });
        _request = new GenerationRequest { Prompt = Prompt, Steps = 4, Width = 128, Height = 128 };
        _destination = new byte[LcmPipeline.RgbaByteCount(_request)];
        _pipeline.Generate(_request, _destination, default, null, null);
        _latents = new float[_pipeline.Unet.LatentChannels * 16 * 16];
        new SeededNoise(1).Fill(_latents);
        _embedding = _pipeline.EncodePrompt(Prompt);
        _guidance = new float[_pipeline.Unet.GuidanceEmbeddingWidth];
        _unetOutput = new float[_latents.Length];
        _image = new float[3 * 128 * 128];
        _ids = new long[_pipeline.Tokenizer.MaxLength];
        _textOutput = new float[_embedding.Length];
        _pipeline.Tokenizer.Encode(Prompt, _ids);
    }

    [GlobalCleanup]
    public void Cleanup() => _pipeline.Dispose();

    [Benchmark(Description = "end to end, cached prompt")]
    public void EndToEndCachedPrompt() => _pipeline.Generate(_request, _destination, default, null, null);

    [Benchmark(Description = "end to end, new prompt")]
    public void EndToEndNewPrompt()
    {
        _pipeline.PromptCache.Clear();
        _pipeline.Generate(_request, _destination, default, null, null);
    }

    [Benchmark(Description = "tokenise")]
    public int Tokenize() => _pipeline.Tokenizer.Encode(Prompt, _ids);

    [Benchmark(Description = "text encode")]
    public void TextEncode() => _pipeline.TextEncoder.Encode(_ids, 1, _pipeline.EncodedTokens, _textOutput);

    [Benchmark(Description = "UNet step")]
    public void UnetStep() =>
        _pipeline.Unet.Predict(_latents, 1, 16, 16, 759, _embedding, _pipeline.Tokenizer.MaxLength, _guidance, _unetOutput);

    [Benchmark(Description = "VAE decode")]
    public void Decode() => _pipeline.VaeDecoder.Decode(_latents, 1, 16, 16, _image);
}
