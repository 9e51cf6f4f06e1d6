using System.Numerics;
using RealtimeGen.Engine.Ecs;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Engine.Scene;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>
/// The demo scene: a lit floor and rotating objects, each entity with its own material, drawn through the ECS.
/// </summary>
/// <remarks>Created, run and disposed on the GL thread.</remarks>
internal sealed class DemoApp : IFramePhases, IDisposable
{
    private static readonly Vector4 Sky = new(0.53f, 0.62f, 0.74f, 1f);

    private readonly IGraphicsContext _context;
    private readonly Renderer _renderer;
    private readonly RenderAssets _assets = new();
    private readonly SceneRenderSystem _sceneRender;
    private readonly SystemGroup<FrameTime> _systems;
    private readonly Camera _camera = new() { Position = new Vector3(0f, 2.6f, 6.2f), Target = new Vector3(0f, 0.2f, 0f) };
    private readonly SceneLighting _lighting = SceneLighting.Default;

    public DemoApp(IGraphicsContext context)
    {
        _context = context;
        World = new World();
        _renderer = new Renderer(context.Gl);
        _sceneRender = new SceneRenderSystem(World, _assets, _renderer);
        _systems = new SystemGroup<FrameTime>("demo", new SpinSystem(World));
        BuildScene(context);
    }

    public World World { get; }

    /// <summary>Set for one frame to capture the rendered image before it is presented.</summary>
    public string? CapturePath { get; set; }

    public void ProcessInput(KeyboardInput input, in FrameTime time)
    {
        while (input.TryRead(out var e))
        {
            if (e.Kind == InputEventKind.KeyDown && e.Key == Key.Escape)
            {
                _context.RequestClose();
            }
        }
    }

    public void Update(in FrameTime time) => _systems.Update(in time);

    public void Upload(in FrameTime time)
    {
    }

    public void Render(in FrameTime time)
    {
        _camera.AspectRatio = _context.Width / (float)Math.Max(1, _context.Height);
        _renderer.BeginFrame(_context, Sky);
        _sceneRender.Draw(_camera, in _lighting);
        if (CapturePath is { } path)
        {
            Screenshot.Save(_context, path);
            CapturePath = null;
        }
    }

    public void Dispose()
    {
        _systems.Dispose();
        _renderer.Dispose();
        _assets.Dispose();
    }

    private void BuildScene(IGraphicsContext context)
    {
        var gl = context.Gl;
        var plane = _assets.Add(new Mesh(gl, MeshData.Plane(size: 14f, subdivisions: 1, uvScale: 6f)));
        var cube = _assets.Add(new Mesh(gl, MeshData.Cube(1.1f)));
        var sphere = _assets.Add(new Mesh(gl, MeshData.Sphere(0.65f, segments: 48, rings: 24)));

        var floor = Material(gl, (92, 92, 96), (140, 140, 146), cells: 8);
        World.Create(Transform.At(new Vector3(0f, -0.66f, 0f)), new MeshRenderer(plane, floor));

        (MeshHandle Mesh, Vector3 Position, (byte, byte, byte) A, (byte, byte, byte) B)[] objects =
        [
            (cube, new Vector3(-2.4f, 0f, 0f), (170, 60, 50), (230, 200, 180)),
            (sphere, new Vector3(-0.8f, 0f, 0.9f), (60, 120, 70), (200, 220, 170)),
            (cube, new Vector3(0.8f, 0f, -0.6f), (50, 80, 160), (190, 200, 230)),
            (sphere, new Vector3(2.4f, 0f, 0.2f), (180, 140, 40), (240, 230, 200)),
        ];
        for (var i = 0; i < objects.Length; i++)
        {
            var (mesh, position, a, b) = objects[i];
            var material = Material(gl, a, b, cells: 4);
            var transform = Transform.At(position);
            transform.Rotation = Quaternion.CreateFromYawPitchRoll(0.4f * i, 0.3f, 0f);
            var axis = Vector3.Normalize(new Vector3(0.3f * (i - 1.5f), 1f, 0.2f));
            World.Create(transform, new MeshRenderer(mesh, material), new Spin { Axis = axis, RadiansPerSecond = 0.6f + (0.15f * i) });
        }
    }

    private MaterialHandle Material(Silk.NET.OpenGL.GL gl, (byte, byte, byte) a, (byte, byte, byte) b, int cells) =>
        _assets.Add(new LitMaterial(_assets.Own(CheckerTexture.Create(gl, 256, cells, a, b))));
}
