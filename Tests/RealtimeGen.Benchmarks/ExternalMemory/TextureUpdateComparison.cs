using System.Diagnostics;
using System.Globalization;
using RealtimeGen.Engine;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Engine.Rendering;
using Silk.NET.OpenGL;

namespace RealtimeGen.Benchmarks.ExternalMemory;

/// <summary>
/// The <c>extmem</c> benchmark: per texture update, the CPU staging path (the render thread copies the frame into a
/// persistently mapped PBO, then glTextureSubImage2D from it) against the external-memory path (the producer wrote
/// the frame into Vulkan memory GL samples; the render thread only latches). Reports render-thread time for the
/// update, time for update + one draw sampling the texture + glFinish, and bytes the render thread copies.
/// </summary>
/// <remarks>
/// The producer's own write (decoder output → RGBA8) is the same work in both paths and is not timed. On llvmpipe the
/// driver's PBO → texture copy is CPU work too, on the render thread, and is inside the staging path's update time.
/// </remarks>
internal static class TextureUpdateComparison
{
    private const string VertexSource = """
        #version 450 core
        out vec2 uv;
        void main()
        {
            vec2 corner = vec2((gl_VertexID << 1) & 2, gl_VertexID & 2);
            uv = corner;
            gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
        }
        """;

    private const string FragmentSource = """
        #version 450 core
        in vec2 uv;
        layout(binding = 0) uniform sampler2D image;
        out vec4 color;
        void main() { color = texture(image, uv); }
        """;

    public static int Run(string[] args)
    {
        int[] sizes = args.Length > 0 ? [.. args.Select(a => int.Parse(a, CultureInfo.InvariantCulture))] : [128, 512, 1024];
        using var context = new EglHeadlessContext(new GraphicsContextOptions { Width = 256, Height = 256, Debug = false });
        GL gl = context.Gl;
        var support = GlExternalMemorySupport.Query(gl);
        VulkanExternalMemoryDevice vulkan;
        try
        {
            vulkan = VulkanExternalMemoryDevice.Create(support.RequireDeviceUuid());
        }
        catch (RealtimeGenException exception)
        {
            Console.Error.WriteLine($"extmem: the external-memory path is unavailable here: {exception.Message}");
            return 1;
        }

        using (vulkan)
        using (var blit = new ShaderProgram(gl, VertexSource, FragmentSource, "extmem blit"))
        {
            uint vertexArray = gl.CreateVertexArray();
            Console.WriteLine($"GL: {support.Renderer}; Vulkan: {vulkan.DeviceName}; framebuffer 256x256; times in microseconds");
            Console.WriteLine("| size | path | update p50 | update p99 | update+draw+finish p50 | update+draw+finish p99 | render-thread CPU bytes copied / update | identical |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (int size in sizes)
            {
                int iterations = size >= 1024 ? 60 : size >= 512 ? 150 : 400;
                Measure(context, blit, vertexArray, support, vulkan, size, iterations);
            }

            gl.DeleteVertexArray(vertexArray);
            Console.WriteLine(
                "Bytes copied: the render thread's own memcpy into the PBO; a software GL (llvmpipe) copies as many again " +
                "from the PBO into the texture inside glTextureSubImage2D, also on the render thread. The producer's write " +
                "of the frame is the same in both paths and untimed.");
        }

        return 0;
    }

    private static unsafe void Measure(
        EglHeadlessContext context, ShaderProgram blit, uint vertexArray, GlExternalMemorySupport support,
        VulkanExternalMemoryDevice vulkan, int size, int iterations)
    {
        GL gl = context.Gl;
        int bytes = size * size * 4;
        var frames = new byte[2][];
        frames[0] = new byte[bytes];
        frames[1] = new byte[bytes];
        new Random(size).NextBytes(frames[0]);
        new Random(size + 1).NextBytes(frames[1]);
        const int Warmup = 10;
        var update = new double[iterations];
        var total = new double[iterations];

        // CPU staging: persistent mapped PBO, copy on the render thread, then texture upload from it.
        using var staged = new Texture2D(gl, size, size, mipLevels: 1);
        staged.SetSampling(TextureMinFilter.Linear, TextureMagFilter.Linear, TextureWrapMode.ClampToEdge);
        uint pbo = gl.CreateBuffer();
        const MapBufferAccessMask Access = MapBufferAccessMask.WriteBit | MapBufferAccessMask.PersistentBit | MapBufferAccessMask.CoherentBit;
        gl.NamedBufferStorage(pbo, (nuint)bytes, null, BufferStorageMask.MapWriteBit | BufferStorageMask.MapPersistentBit | BufferStorageMask.MapCoherentBit);
        byte* mapped = (byte*)gl.MapNamedBufferRange(pbo, 0, (nuint)bytes, Access);
        for (int i = -Warmup; i < iterations; i++)
        {
            byte[] frame = frames[(i + Warmup) & 1];
            long start = Stopwatch.GetTimestamp();
            frame.AsSpan().CopyTo(new Span<byte>(mapped, bytes));
            staged.UploadFromPixelBuffer(pbo, 0, 0, 0, size, size);
            long updated = Stopwatch.GetTimestamp();
            Draw(gl, context, blit, vertexArray, staged.Handle);
            long finished = Stopwatch.GetTimestamp();
            if (i >= 0)
            {
                update[i] = Stopwatch.GetElapsedTime(start, updated).TotalMicroseconds;
                total[i] = Stopwatch.GetElapsedTime(start, finished).TotalMicroseconds;
            }
        }

        var stagedPixels = new byte[bytes];
        staged.ReadPixels(stagedPixels);
        _ = gl.UnmapNamedBuffer(pbo);
        gl.DeleteBuffer(pbo);
        Report(size, "CPU staging (PBO)", update, total, bytes, identical: null);

        // External memory: the producer writes the slot (untimed, as above); the render thread latches and samples.
        using var shared = new ExternalMemoryTexture(support, vulkan, size, size);
        for (int i = -Warmup; i < iterations; i++)
        {
            byte[] frame = frames[(i + Warmup) & 1];
            if (!shared.TryBeginWrite(out ExternalMemoryWrite write))
            {
                throw new InvalidOperationException("No free slot although every frame ended with glFinish.");
            }

            write.WriteTightRows(frame);
            shared.EndWrite(write);
            long start = Stopwatch.GetTimestamp();
            _ = shared.Latch();
            long updated = Stopwatch.GetTimestamp();
            Draw(gl, context, blit, vertexArray, shared.Current!.Handle);
            long finished = Stopwatch.GetTimestamp();
            if (i >= 0)
            {
                update[i] = Stopwatch.GetElapsedTime(start, updated).TotalMicroseconds;
                total[i] = Stopwatch.GetElapsedTime(start, finished).TotalMicroseconds;
            }
        }

        var sharedPixels = new byte[bytes];
        shared.Current!.ReadPixels(sharedPixels);
        Report(size, "external memory (Vulkan)", update, total, 0, stagedPixels.AsSpan().SequenceEqual(sharedPixels));
    }

    private static void Draw(GL gl, EglHeadlessContext context, ShaderProgram blit, uint vertexArray, uint texture)
    {
        gl.BindFramebuffer(FramebufferTarget.Framebuffer, context.DefaultFramebuffer);
        gl.Viewport(0, 0, (uint)context.Width, (uint)context.Height);
        blit.Use();
        gl.BindVertexArray(vertexArray);
        gl.BindTextureUnit(0, texture);
        gl.DrawArrays(PrimitiveType.Triangles, 0, 3);
        gl.Finish();
    }

    private static void Report(int size, string path, double[] update, double[] total, int bytesCopied, bool? identical)
    {
        TimingSummary u = TimingSummary.Of(update.AsSpan());
        TimingSummary t = TimingSummary.Of(total.AsSpan());
        string same = identical switch { null => "reference", true => "yes", false => "NO" };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {size}x{size} | {path} | {u.P50:F0} | {u.P99:F0} | {t.P50:F0} | {t.P99:F0} | {bytesCopied} | {same} |"));
    }
}
