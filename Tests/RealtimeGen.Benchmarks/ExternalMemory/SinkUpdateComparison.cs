using System.Diagnostics;
using System.Globalization;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Plugin.Streaming;
using Silk.NET.OpenGL;

namespace RealtimeGen.Benchmarks.ExternalMemory;

/// <summary>
/// The <c>extmem-sink</c> benchmark: the two <see cref="ITextureSink"/>s the plugin can use, image by image — the
/// <see cref="TextureStreamer"/> (CPU staging) against the <see cref="ExternalMemoryStreamer"/> (per-texture Vulkan
/// ring, writer thread, GPU copy into the material's texture), the latter on its copy path (scratch slots, as a
/// caller that names no target gets) and on its direct path (slots asked for with the target: the worker writes the
/// ring image itself). Per image: render-thread time spent in the sink's Submit, Upload and EndFrame until the image
/// is in the texture, the same plus a glFinish after it (a software GL runs deferred copies there), the frames that
/// took, the time from Submit to the image being in the texture, the pixel bytes the sink copied on the CPU
/// (<see cref="ExternalMemoryStreamer.CopiedBytes"/>), and whether all sinks end with identical textures.
/// </summary>
/// <remarks>
/// The worker's write into the slot (at the slot's row pitch) is the same in all and untimed. Frames are run back to back (no 60 Hz pacing),
/// so "submit to shown" is the sink's own latency: for the external sink, the writer thread's wake-up and copy.
/// Mipmaps are off in both, so the figures are the sinks' and not the mip generation's.
/// </remarks>
internal static class SinkUpdateComparison
{
    public static int Run(string[] args)
    {
        int[] sizes = args.Length > 0 ? [.. args.Select(a => int.Parse(a, CultureInfo.InvariantCulture))] : [128, 512, 1024];
        using var context = new EglHeadlessContext(new GraphicsContextOptions { Width = 64, Height = 64, Debug = false });
        GL gl = context.Gl;
        using TextureSinkSelection selection = TextureSinkSelector.Select(TextureSinkKind.VulkanExternalMemory, gl);
        if (selection.Kind != TextureSinkKind.VulkanExternalMemory)
        {
            Console.Error.WriteLine($"extmem-sink: the external-memory sink is unavailable here: {selection.Reason}");
            return 1;
        }

        Console.WriteLine($"{selection.Reason}; times in microseconds, frames back to back");
        Console.WriteLine("| size | sink | render thread / image p50 | p99 | + glFinish p50 | p99 | frames until shown p50 | submit → shown p50 | p99 | sink CPU copy B / image | identical |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (int size in sizes)
        {
            int iterations = size >= 1024 ? 40 : size >= 512 ? 100 : 300;
            var options = new TextureStreamerOptions
            {
                SlotCount = 3, SlotBytes = size * size * 4, UploadBudgetBytes = size * size * 4, GenerateMipmaps = false,
            };
            byte[] staged;
            using (var staging = new TextureStreamer(gl, options))
            {
                staged = Measure(gl, staging, size, iterations, "CPU staging (TextureStreamer)", null, shown: _ => true, withTarget: false, copied: () => 0);
            }

            foreach (bool direct in (ReadOnlySpan<bool>)[false, true])
            {
                using var shared = new ExternalMemoryStreamer(selection, options);
                long latched = 0;
                string name = direct ? "external memory, direct (slot = ring image)" : "external memory, copy (scratch slot)";
                _ = Measure(gl, shared, size, iterations, name, staged, shown: _ =>
                {
                    bool any = shared.LatchedCount != latched;
                    latched = shared.LatchedCount;
                    return any;
                }, withTarget: direct, copied: () => shared.CopiedBytes);
            }
        }

        Console.WriteLine(
            "Render thread: the sink's own calls only. CPU staging: the driver's PBO → texture copy (CPU work on llvmpipe) " +
            "runs inside Upload. External memory: the writer thread copies slot → shared memory off the render thread; " +
            "the render thread latches and issues glCopyImageSubData (on llvmpipe also CPU work, in the driver). " +
            "Direct: the worker wrote the ring image itself; the writer thread only publishes it. " +
            "Sink CPU copy: pixel bytes the sink's own code copied per measured image (the staging sink copies none itself; " +
            "its PBO → texture copy is the GL driver's, CPU work on llvmpipe and counted in its render-thread time).");
        return 0;
    }

    private static byte[] Measure(
        GL gl, ITextureSink sink, int size, int iterations, string name, byte[]? reference, Func<int, bool> shown, bool withTarget, Func<long> copied)
    {
        const int Warmup = 5;
        int bytes = size * size * 4;
        var frames = new byte[2][];
        frames[0] = new byte[bytes];
        frames[1] = new byte[bytes];
        new Random(size).NextBytes(frames[0]);
        new Random(size + 1).NextBytes(frames[1]);
        var renderThread = new double[iterations];
        var withFinish = new double[iterations];
        var latency = new double[iterations];
        var frameCounts = new double[iterations];
        StreamedTextureHandle handle = sink.CreateTexture();
        long copiedBefore = 0;
        for (int i = -Warmup; i < iterations; i++)
        {
            copiedBefore = i == 0 ? copied() : copiedBefore;
            StagingSlot? slot;
            while (withTarget ? !sink.TryAcquireSlot(handle, size, size, out slot) : !sink.TryAcquireSlot(out slot))
            {
                // Slots come back once their fence (staging) or the writer (external) is done.
                sink.Upload();
                sink.EndFrame();
                gl.Finish();
            }

            slot.WriteTightRows(frames[(i + Warmup) & 1], size, size);
            long submitted = Stopwatch.GetTimestamp();
            sink.Submit(slot, handle, size, size);
            double spent = Stopwatch.GetElapsedTime(submitted).TotalMicroseconds;
            int frameCount = 0;
            while (true)
            {
                long start = Stopwatch.GetTimestamp();
                sink.Upload();
                sink.EndFrame();
                spent += Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                frameCount++;
                if (shown(frameCount))
                {
                    break;
                }

                Thread.Yield();
            }

            double sinceSubmit = Stopwatch.GetElapsedTime(submitted).TotalMicroseconds;
            long finishStart = Stopwatch.GetTimestamp();
            gl.Finish();
            double finish = Stopwatch.GetElapsedTime(finishStart).TotalMicroseconds;
            if (i >= 0)
            {
                renderThread[i] = spent;
                withFinish[i] = spent + finish;
                latency[i] = sinceSubmit;
                frameCounts[i] = frameCount;
            }
        }

        double copiedPerImage = (double)(copied() - copiedBefore) / iterations;
        var pixels = new byte[bytes];
        sink.GetTexture(handle)!.ReadPixels(pixels);
        sink.ReleaseTexture(handle);
        sink.EndFrame();
        TimingSummary r = TimingSummary.Of(renderThread.AsSpan());
        TimingSummary w = TimingSummary.Of(withFinish.AsSpan());
        TimingSummary l = TimingSummary.Of(latency.AsSpan());
        TimingSummary f = TimingSummary.Of(frameCounts.AsSpan());
        string same = reference is null ? "reference" : reference.AsSpan().SequenceEqual(pixels) ? "yes" : "NO";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {size}x{size} | {name} | {r.P50:F0} | {r.P99:F0} | {w.P50:F0} | {w.P99:F0} | {f.P50:F0} | {l.P50:F0} | {l.P99:F0} | {copiedPerImage:F0} | {same} |"));
        return pixels;
    }
}
