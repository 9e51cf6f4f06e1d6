using System.Numerics;
using BenchmarkDotNet.Attributes;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Engine.Rendering;
using Silk.NET.OpenGL;

namespace RealtimeGen.Benchmarks.Rendering;

/// <summary>
/// GL cost on the headless context (llvmpipe here): a 512×512 RGBA8 texture upload (the streamer's unit of work)
/// and a demo-sized lit frame at 1280×720. Each operation ends with glFinish, because llvmpipe renders on its own
/// threads and an unfinished call would measure only the queueing.
/// </summary>
[MemoryDiagnoser]
public class RenderingBenchmarks
{
    private EglHeadlessContext _context = null!;
    private Texture2D _uploadTarget = null!;
    private byte[] _pixels = null!;
    private Renderer _renderer = null!;
    private Mesh _plane = null!;
    private Mesh _cube = null!;
    private Mesh _sphere = null!;
    private Texture2D _albedo = null!;
    private DrawItem[] _items = null!;
    private Camera _camera = null!;

    [GlobalSetup]
    public void CreateScene()
    {
        _context = new EglHeadlessContext(new GraphicsContextOptions { Width = 1280, Height = 720, Debug = false });
        GL gl = _context.Gl;
        _pixels = new byte[512 * 512 * 4];
        new Random(1).NextBytes(_pixels);
        _uploadTarget = new Texture2D(gl, 512, 512, mipLevels: 1);

        _renderer = new Renderer(gl);
        _plane = new Mesh(gl, MeshData.Plane(20f, 1, 8f));
        _cube = new Mesh(gl, MeshData.Cube(1f));
        _sphere = new Mesh(gl, MeshData.Sphere(0.6f, 32, 16));
        _albedo = new Texture2D(gl, 512, 512);
        _albedo.Upload(_pixels);
        _albedo.GenerateMipmaps();
        var material = new LitMaterial(_albedo);
        _items =
        [
            new(_plane, material, Matrix4x4.Identity),
            new(_cube, material, Matrix4x4.CreateTranslation(-2f, 0.5f, 0f)),
            new(_sphere, material, Matrix4x4.CreateTranslation(0f, 0.6f, 0f)),
            new(_cube, material, Matrix4x4.CreateTranslation(2f, 0.5f, 0f)),
            new(_sphere, material, Matrix4x4.CreateTranslation(0f, 0.6f, -2f)),
        ];
        _camera = new Camera { Position = new Vector3(0f, 3f, 6f), Target = Vector3.Zero, AspectRatio = 1280f / 720f };
    }

    [GlobalCleanup]
    public void DisposeScene()
    {
        _albedo.Dispose();
        _sphere.Dispose();
        _cube.Dispose();
        _plane.Dispose();
        _renderer.Dispose();
        _uploadTarget.Dispose();
        _context.Dispose();
    }

    [Benchmark(Description = "Upload 512x512 RGBA8 + glFinish")]
    public void Upload512()
    {
        _uploadTarget.Upload(_pixels);
        _context.Gl.Finish();
    }

    [Benchmark(Description = "Lit frame 1280x720, 5 items + glFinish")]
    public void LitFrame()
    {
        _renderer.BeginFrame(_context, new Vector4(0.1f, 0.1f, 0.12f, 1f));
        _renderer.Draw(_items, _camera, SceneLighting.Default);
        _context.Gl.Finish();
    }
}
