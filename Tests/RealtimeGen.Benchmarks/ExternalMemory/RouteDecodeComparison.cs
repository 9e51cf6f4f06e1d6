using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Models;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Benchmarks.ExternalMemory;

/// <summary>
/// The <c>route-decode</c> benchmark: the worker's final decode on the shipped model (CPU provider, one intra-op thread),
/// into RGBA8 in CPU memory (decoder run + CPU conversion, what a staging slot gets) against into a planar tensor
/// through IOBinding (decoder run only, what a GPU output route gets; here the tensor is CPU memory). Same latents for
/// both; the outputs are checked to convert to the same bytes. Watermark off, so both paths decode the same image.
/// </summary>
internal static class RouteDecodeComparison
{
    public static int Run(string[] args)
    {
        int[] sizes = args.Length > 0 ? [.. args.Select(a => int.Parse(a, CultureInfo.InvariantCulture))] : [64, 128, 256];
        string model = ModelPackage.FindDefault(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("Models/rtg-texture-lcm not found above " + AppContext.BaseDirectory);
        using LcmPipeline pipeline = LcmPipeline.Load(model, new LcmPipelineOptions
        {
            Inference = new InferenceOptions { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 },
            Watermark = false,
        });
        Console.WriteLine("Final decode on the worker, shipped model, CPU provider, 1 intra-op thread; milliseconds");
        Console.WriteLine("| size | into RGBA8 (decode + CPU conversion) p50 | p99 | into planar tensor via IOBinding p50 | p99 | identical |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (int size in sizes)
        {
            int iterations = size >= 256 ? 10 : 30;
            var request = new GenerationRequest { Prompt = "mossy red brick wall", Seed = 5, Steps = 2, Width = size, Height = size };
            var rgba = new byte[LcmPipeline.RgbaByteCount(request)];
            var planar = new float[3 * size * size];
            using OrtValue value = OrtValue.CreateTensorValueFromMemory(planar, [1, 3, size, size]);
            DenoiseWorkspace workspace = pipeline.DenoiseForDecode(request, null, null, CancellationToken.None, value);
            var toRgba = new List<double>(iterations);
            var toPlanar = new List<double>(iterations);
            for (int i = -2; i < iterations; i++)
            {
                long start = Stopwatch.GetTimestamp();
                pipeline.DecodeFinal(workspace, request, rgba, size * 4, null);
                long middle = Stopwatch.GetTimestamp();
                pipeline.DecodeFinal(workspace, value, null);
                long end = Stopwatch.GetTimestamp();
                if (i >= 0)
                {
                    toRgba.Add(Stopwatch.GetElapsedTime(start, middle).TotalMilliseconds);
                    toPlanar.Add(Stopwatch.GetElapsedTime(middle, end).TotalMilliseconds);
                }
            }

            var converted = new byte[rgba.Length];
            LcmPipeline.WriteRgba(planar, size, size, 1, converted, size * 4);
            bool identical = converted.AsSpan().SequenceEqual(rgba);
            TimingSummary r = TimingSummary.Of(CollectionsMarshal.AsSpan(toRgba));
            TimingSummary p = TimingSummary.Of(CollectionsMarshal.AsSpan(toPlanar));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size}² | {r.P50:F2} | {r.P99:F2} | {p.P50:F2} | {p.P99:F2} | {(identical ? "yes" : "NO")} |"));
        }

        return 0;
    }
}
