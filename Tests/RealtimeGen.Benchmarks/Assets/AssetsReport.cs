using System.Globalization;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Models;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Watermarking;

namespace RealtimeGen.Benchmarks.Assets;

/// <summary>
/// <c>dotnet run -c Release --project Tests/RealtimeGen.Benchmarks -- assets-report [--quick] [--only seam|watermark|sizes] [--model DIR]</c>: the seam, watermark
/// and size/time/memory tables of issue 7, on the shipped model (CPU, one intra-op thread) and on procedural
/// stand-in textures, printed as Markdown.
/// </summary>
internal static class AssetsReport
{
    private const string Prompt = "mossy red brick wall";

    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        int only = Array.IndexOf(args, "--only");
        string part = only >= 0 && only + 1 < args.Length ? args[only + 1] : "all";
        int modelArgument = Array.IndexOf(args, "--model");
        string model = modelArgument >= 0 && modelArgument + 1 < args.Length
            ? Path.GetFullPath(args[modelArgument + 1])
            : ModelPackage.FindDefault(AppContext.BaseDirectory)
                ?? throw new InvalidOperationException("Models/rtg-texture-lcm not found above " + AppContext.BaseDirectory);
        var inference = new InferenceOptions { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 };
        using var pipeline = LcmPipeline.Load(model, new LcmPipelineOptions { Inference = inference, Watermark = false });
        Console.WriteLine($"# Assets report — {model}, fingerprint {ModelFingerprint.Compute(model)[..16]}…, CPU, 1 intra-op thread");
        if (part is "all" or "seam")
        {
            SeamTable(pipeline, quick ? 3 : 8);
        }

        if (part is "all" or "watermark")
        {
            WatermarkTable(pipeline, quick ? 4 : 12, quick ? 24 : 72);
        }

        if (part is "all" or "sizes")
        {
            SizeTable(model, inference, quick);
        }
        return 0;
    }

    private static void SeamTable(LcmPipeline pipeline, int seeds)
    {
        const int Size = 256;
        Console.WriteLine();
        Console.WriteLine($"## Seam ratio (limit {SeamMetric.DefaultLimit}), {Size}×{Size}, 4 steps, mean over seeds 0–{seeds - 1}");
        Console.WriteLine("| output | mean ratio | max ratio | passes |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        var request = new GenerationRequest { Prompt = Prompt, Width = Size, Height = Size };
        var rows = new (string Name, Func<long, (byte[] Rgba, int W, int H)> Make)[]
        {
            ("seamless off (model's own padding)", seed => (pipeline.Generate(request with { Seed = seed }), Size, Size)),
            ("seamless on (circular latent padding)", seed => (pipeline.Generate(request with { Seed = seed, Seamless = true }), Size, Size)),
            ("seamless on + random roll per step", seed => (pipeline.Generate(request with { Seed = seed, Seamless = true, SeamlessRoll = true }), Size, Size)),
            ("seamless on + watermark on the plain grid (before wrap-aware marking)", seed =>
                (Marked(pipeline.Generate(request with { Seed = seed, Seamless = true }), Size, Size, seamless: false), Size, Size)),
            ("seamless on + watermark, wrap-aware (the pipeline's default)", seed =>
                (Marked(pipeline.Generate(request with { Seed = seed, Seamless = true }), Size, Size, seamless: true), Size, Size)),
            ("plain crop (256² window of a 512² image)", seed =>
            {
                byte[] big = pipeline.Generate(request with { Seed = seed, Width = 2 * Size, Height = 2 * Size });
                return (ImageAttacks.Crop(big, 2 * Size, 37, 59, Size, Size), Size, Size);
            }),
            ("procedural noise crop (non-tiling reference)", seed =>
                (ImageAttacks.Crop(ProceduralTexture.Create(2 * Size, 2 * Size, (int)seed), 2 * Size, 37, 59, Size, Size), Size, Size)),
        };
        foreach ((string name, var make) in rows)
        {
            var ratios = new List<double>();
            for (int seed = 0; seed < seeds; seed++)
            {
                (byte[] rgba, int w, int h) = make(seed);
                ratios.Add(SeamMetric.Measure(rgba, w, h));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {ratios.Average():F2} | {ratios.Max():F2} | {ratios.Count(r => r <= SeamMetric.DefaultLimit)}/{seeds} |"));
        }
    }

    private static byte[] Marked(byte[] rgba, int width, int height, bool seamless)
    {
        InvisibleWatermark.Embed(rgba, width, height, new WatermarkPayload(0x1c7e, WatermarkPayload.RealtimeGenTag), seamless: seamless);
        return rgba;
    }

    private static void WatermarkTable(LcmPipeline pipeline, int images, int unmarked)
    {
        Console.WriteLine();
        Console.WriteLine($"## Watermark, strength {InvisibleWatermark.DefaultStrength}: {images} images per size and source (model outputs are seamless and marked wrap-aware, as the pipeline does)");
        Console.WriteLine("| size | source | PSNR dB (mean / min) | PNG | JPEG q90 | 0.5× resize | 25% crop (½×½ window) | 56% crop (¾×¾ window) |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        var payload = new WatermarkPayload(0x1c7e, WatermarkPayload.RealtimeGenTag);
        foreach (int size in new[] { 256, 512 })
        {
            foreach (string source in new[] { "model, seamless (wrap-aware grid)", "procedural (plain grid)", "procedural (wrap-aware grid)" })
            {
                bool model = source.StartsWith("model", StringComparison.Ordinal);
                bool wrap = source.Contains("wrap-aware", StringComparison.Ordinal);
                var psnr = new List<double>();
                var found = new int[5];
                var bits = new double[5];
                var payloadBits = new double[5];
                for (int i = 0; i < images; i++)
                {
                    byte[] original = model
                        ? pipeline.Generate(new GenerationRequest { Prompt = Prompt, Seed = 1000 + i, Width = size, Height = size, Seamless = true })
                        : ProceduralTexture.Create(size, size, i);
                    byte[] marked = (byte[])original.Clone();
                    InvisibleWatermark.Embed(marked, size, size, payload, seamless: wrap);
                    psnr.Add(InvisibleWatermark.Psnr(original, marked));
                    var attacked = new (byte[] Rgba, int W, int H)[]
                    {
                        (ImageAttacks.PngRoundTrip(marked, size, size), size, size),
                        (ImageAttacks.JpegRoundTrip(marked, size, size, 90), size, size),
                        (ImageAttacks.Half(marked, size, size), size / 2, size / 2),
                        (ImageAttacks.Crop(marked, size, (size / 4) + 3, (size / 4) + 5, size / 2, size / 2), size / 2, size / 2),
                        (ImageAttacks.Crop(marked, size, (size / 8) + 3, (size / 8) + 5, size * 3 / 4, size * 3 / 4), size * 3 / 4, size * 3 / 4),
                    };
                    for (int a = 0; a < attacked.Length; a++)
                    {
                        WatermarkDetection d = InvisibleWatermark.Detect(attacked[a].Rgba, attacked[a].W, attacked[a].H);
                        found[a] += d.Found && d.Payload == payload ? 1 : 0;
                        bits[a] += d.BitAccuracy;
                        payloadBits[a] += 32 - uint.PopCount(d.Payload.Value ^ payload.Value);
                    }
                }

                string Cell(int a) => string.Create(CultureInfo.InvariantCulture,
                    $"{found[a]}/{images} found, {100 * bits[a] / images:F1}% blocks, {100 * payloadBits[a] / (32.0 * images):F1}% payload bits");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {size} | {source} | {psnr.Average():F2} / {psnr.Min():F2} | {Cell(0)} | {Cell(1)} | {Cell(2)} | {Cell(3)} | {Cell(4)} |"));
            }
        }

        int falseAlarms = 0;
        for (int i = 0; i < unmarked; i++)
        {
            int size = i % 3 == 0 ? 128 : i % 3 == 1 ? 256 : 512;
            byte[] image = i % 2 == 0
                ? pipeline.Generate(new GenerationRequest { Prompt = Prompt, Seed = 5000 + i, Width = size, Height = size })
                : ProceduralTexture.Create(size, size, 7000 + i);
            falseAlarms += InvisibleWatermark.Detect(image, size, size).Found ? 1 : 0;
        }

        Console.WriteLine();
        Console.WriteLine($"False alarms on {unmarked} unmarked images (half model output, half procedural; 128/256/512): {falseAlarms}");

        foreach (int size in new[] { 512, 1024 })
        {
            byte[] texture = ProceduralTexture.Create(size, size, 3);
            var embed = new List<double>();
            var detect = new List<double>();
            for (int i = 0; i < 5; i++)
            {
                byte[] copy = (byte[])texture.Clone();
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                InvisibleWatermark.Embed(copy, size, size, payload);
                embed.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                start = System.Diagnostics.Stopwatch.GetTimestamp();
                InvisibleWatermark.Detect(copy, size, size);
                detect.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }

            embed.Sort();
            detect.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size}²: embed p50 {embed[2]:F1} ms, detect (marked, found at 1×) p50 {detect[2]:F0} ms"));
        }
    }

    private static void SizeTable(string model, InferenceOptions inference, bool quick)
    {
        Console.WriteLine();
        Console.WriteLine("## Size, time and memory (4 steps, watermark on; decode budget 512² output pixels, larger decodes in 256² windows + 32 px overlap)");
        Console.WriteLine("| size | seamless | decode | runs | total p50 ms | decode p50 ms | peak working set over idle MiB |");
        Console.WriteLine("| --- | --- | --- | ---: | ---: | ---: | ---: |");
        var rows = new List<(int Size, bool Seamless, long Budget)>();
        foreach (int size in quick ? new[] { 128, 256, 512 } : [128, 256, 512, 768, 1024])
        {
            rows.Add((size, true, 512L * 512));
        }

        rows.Add((quick ? 512 : 1024, false, 512L * 512));
        rows.Add((quick ? 512 : 1024, false, long.MaxValue));
        foreach ((int size, bool seamless, long budget) in rows)
        {
            // A fresh pipeline per row, so that the previous row's buffers and sessions are not counted.
            using var pipeline = LcmPipeline.Load(model, new LcmPipelineOptions { Inference = inference, DecodeBudgetPixels = budget });
            var request = new GenerationRequest { Prompt = Prompt, Width = size, Height = size, Seamless = seamless };
            var destination = new byte[LcmPipeline.RgbaByteCount(request)];
            var timings = new GenerationTimings();
            GC.Collect();
            long idle = Environment.WorkingSet;
            long peak = idle;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, Environment.WorkingSet);
                    await Task.Delay(5).ConfigureAwait(false);
                }
            });
            int runs = size <= 256 ? 5 : size <= 512 ? 3 : 1;
            var totals = new List<double>();
            var decodes = new List<double>();
            pipeline.Generate(request, destination, default, null, null);
            for (int i = 0; i < runs; i++)
            {
                pipeline.Generate(request with { Seed = i }, destination, default, null, timings);
                totals.Add(GenerationTimings.Milliseconds(timings.TotalTicks));
                decodes.Add(GenerationTimings.Milliseconds(timings.DecodeTicks));
            }

            sampling.Cancel();
            sampler.Wait();
            totals.Sort();
            decodes.Sort();
            bool tiled = (long)size * size > budget;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size}×{size} | {(seamless ? "on" : "off")} | {(tiled ? "windowed" : "whole")} | {runs} | {totals[totals.Count / 2]:F0} | {decodes[decodes.Count / 2]:F0} | {(peak - idle) / 1048576.0:F0} |"));
        }
    }
}
