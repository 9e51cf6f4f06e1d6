using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Logging;
using RealtimeGen.Engine.Ecs;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Engine.Scene;
using RealtimeGen.Plugin;
using RealtimeGen.Plugin.Components;
using RealtimeGen.Plugin.ExternalMemory;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;
using RealtimeGen.Plugin.Systems;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>
/// The demo scene: a lit floor and rotating objects, each entity with its own material, drawn through the ECS; with
/// generation on, each object's albedo is generated from its prompt and refines step by step while frames go on.
/// </summary>
/// <remarks>Created, run and disposed on the GL thread.</remarks>
internal sealed class DemoApp : IFramePhases, IDisposable
{
    /// <summary>Side length of the generated textures.</summary>
    public const int TextureSize = 128;

    /// <summary>The selectable objects in script order: four spinning ones, then the floor.</summary>
    public static readonly string[] ObjectNames = ["red cube", "green sphere", "blue cube", "yellow sphere", "floor"];

    private static readonly Vector4 Sky = new(0.53f, 0.62f, 0.74f, 1f);

    private readonly IGraphicsContext _context;
    private readonly Renderer _renderer;
    private readonly RenderAssets _assets = new();
    private readonly SceneRenderSystem _sceneRender;
    private readonly SystemGroup<FrameTime> _systems;
    private readonly Camera _camera = new() { Position = new Vector3(0f, 2.6f, 6.2f), Target = new Vector3(0f, 0.2f, 0f) };
    private readonly SceneLighting _lighting = SceneLighting.Default;
    private readonly Entity[] _objects = new Entity[ObjectNames.Length];
    private readonly PromptEditor _editor = new(["", "", "", "", ""]);
    private readonly LcmPipeline? _syncPipeline;
    private readonly Texture2D?[] _syncTextures = new Texture2D?[ObjectNames.Length];
    private readonly Queue<(int Index, GenerationRequest Request, long RequestedAt)> _syncQueue = new();
    private readonly long[] _seeds = [1, 2, 3, 4, 5];
    private readonly FrameReadback.Consumer _toContactSheet;
    private readonly List<(TextureUpdate Update, StreamedTextureHandle Handle, long Submission)> _awaitingShow = [];
    private readonly List<TextureUpdate> _shownUpdates = [];
    private FrameReadback? _readback;
    private int _sheetRequests;
    private bool _titleDirty = true;

    public DemoApp(
        IGraphicsContext context,
        DemoGeneration generation = DemoGeneration.Off,
        string? modelDirectory = null,
        ILogger? logger = null,
        TextureGenerationPluginOptions? pluginOptions = null)
    {
        _context = context;
        _toContactSheet = (rgba, width, height, tag) => ContactSheet?.Add(rgba, width, height, (string)tag!);
        World = new World();
        _renderer = new Renderer(context.Gl);
        _sceneRender = new SceneRenderSystem(World, _assets, _renderer);
        _systems = new SystemGroup<FrameTime>("demo", new SpinSystem(World));
        BuildScene(context);
        Generation = generation;
        if (generation == DemoGeneration.Streamed)
        {
            Plugin = TextureGenerationPlugin.Load(context.Gl, World, _assets, modelDirectory!, pluginOptions, logger);
            SinkName = Plugin.SinkKind switch
            {
                TextureSinkKind.CpuStaging => "staging",
                TextureSinkKind.VulkanExternalMemory => "external memory (Vulkan)",
                { } other => other.ToString(),
                null => Plugin.Sink.GetType().Name,
            };
            if (logger is not null)
            {
                DemoLog.SinkInUse(logger, SinkName);
            }
        }
        else if (generation == DemoGeneration.Synchronous)
        {
            _syncPipeline = LcmPipeline.Load(modelDirectory!, logger: logger);
        }
    }

    public World World { get; }

    public DemoGeneration Generation { get; }

    /// <summary>Which texture sink the plugin streams through ("staging", "external memory (Vulkan)"); null without one.</summary>
    public string? SinkName { get; }

    /// <summary>The plugin when generation is streamed.</summary>
    public TextureGenerationPlugin? Plugin { get; }

    /// <summary>Set for one frame to capture the rendered image before it is presented.</summary>
    public string? CapturePath { get; set; }

    /// <summary>When set, every frame in which a generated image reached a texture is added to it.</summary>
    public ContactSheet? ContactSheet { get; set; }

    /// <summary>Cells the contact sheet may hold.</summary>
    public int ContactSheetLimit { get; set; } = 60;

    /// <summary>Waits for the GPU at the end of each frame (glFinish), as a swap would on a display: headless frame
    /// times then include the rendering, not just its submission.</summary>
    public bool FinishEachFrame { get; set; }

    /// <summary>Seconds on the run's clock, for contact sheet labels.</summary>
    public double ClockSeconds { get; set; }

    /// <summary>Milliseconds from each request to its first image on screen.</summary>
    public List<double> FirstImageMs { get; } = new(4096);

    /// <summary>Milliseconds from each request to its final image on screen.</summary>
    public List<double> FinalMs { get; } = new(4096);

    /// <summary>True when no generation is queued, running or waiting for upload.</summary>
    public bool IsIdle => Generation switch
    {
        DemoGeneration.Streamed => Plugin!.Generation.ActiveJobCount == 0 && Plugin.Service.QueuedCount == 0 && Plugin.Service.RunningCount == 0,
        DemoGeneration.Synchronous => _syncQueue.Count == 0,
        _ => true,
    };

    /// <summary>The entity of object <paramref name="index"/>.</summary>
    public Entity ObjectEntity(int index) => _objects[index];

    /// <summary>Asks for a new texture for object <paramref name="index"/> (0 … <see cref="ObjectNames"/> − 1).</summary>
    public void RequestTexture(int index, string prompt, long? seed = null)
    {
        if (seed is { } s)
        {
            _seeds[index] = s;
        }

        _editor.SetPrompt(index, prompt);
        _titleDirty = true;
        TextureRequest request = new(prompt)
        {
            Seed = _seeds[index],
            Width = TextureSize,
            Height = TextureSize,
            Seamless = true,
            Priority = index == _editor.Selected ? 1 : 0,
        };
        if (Plugin is not null)
        {
            Plugin.Request(_objects[index], in request);
        }
        else if (_syncPipeline is not null)
        {
            _syncQueue.Enqueue((index, request.ToGenerationRequest(), Stopwatch.GetTimestamp()));
        }
    }

    public void ProcessInput(KeyboardInput input, in FrameTime time)
    {
        // The previous frame has been presented: its retired textures can go.
        Plugin?.EndFrame();
        while (input.TryRead(out var e))
        {
            if (e.Kind == InputEventKind.KeyDown && e.Key == Key.Escape)
            {
                _context.RequestClose();
                continue;
            }

            int regenerate = _editor.Handle(in e);
            _titleDirty = true;
            if (regenerate >= 0)
            {
                RequestTexture(regenerate, _editor.PromptOf(regenerate));
            }
        }
    }

    public void Update(in FrameTime time)
    {
        _systems.Update(in time);
        Plugin?.Update(in time);
        if (Plugin is not null)
        {
            foreach (TextureUpdate update in Plugin.Generation.Updates)
            {
                if (update.IsFirstImage)
                {
                    FirstImageMs.Add(update.LatencyMs);
                }

                if (update.IsFinal)
                {
                    FinalMs.Add(update.LatencyMs);
                }

                _titleDirty |= update.Entity == _objects[_editor.Selected];
            }

            // The external-memory sink shows an image a frame or more after the system hands it over: remember
            // each one's submission number (the sink numbers them in call order, and Updates is that order).
            if (Plugin.Sink is ExternalMemoryStreamer shared)
            {
                ReadOnlySpan<TextureUpdate> updates = Plugin.Generation.Updates;
                long first = shared.SubmissionCount - updates.Length + 1;
                for (int i = 0; i < updates.Length; i++)
                {
                    _awaitingShow.Add((updates[i], World.Get<GeneratedTexture>(updates[i].Entity).Handle, first + i));
                }
            }
        }

        // The naive baseline: one whole generation inside this frame.
        if (_syncPipeline is not null && _syncQueue.TryDequeue(out var job))
        {
            byte[] pixels = _syncPipeline.Generate(job.Request);
            Texture2D texture = _syncTextures[job.Index] ??= _assets.Own(new Texture2D(_context.Gl, TextureSize, TextureSize));
            texture.Upload(pixels);
            texture.GenerateMipmaps();
            _assets[World.Get<MeshRenderer>(_objects[job.Index]).Material].Albedo = texture;
            double ms = Stopwatch.GetElapsedTime(job.RequestedAt).TotalMilliseconds;
            FirstImageMs.Add(ms);
            FinalMs.Add(ms);
        }
    }

    public void Upload(in FrameTime time)
    {
        if (Plugin is null)
        {
            return;
        }

        Plugin.Upload(in time);
        _shownUpdates.Clear();
        if (Plugin.Sink is not ExternalMemoryStreamer shared)
        {
            // The staging sink uploads within this frame (its budget permitting).
            foreach (TextureUpdate update in Plugin.Generation.Updates)
            {
                _shownUpdates.Add(update);
            }

            return;
        }

        int kept = 0;
        for (int i = 0; i < _awaitingShow.Count; i++)
        {
            var awaiting = _awaitingShow[i];
            if (shared.ShownSubmission(awaiting.Handle) >= awaiting.Submission)
            {
                _shownUpdates.Add(awaiting.Update);
            }
            else
            {
                _awaitingShow[kept++] = awaiting;
            }
        }

        _awaitingShow.RemoveRange(kept, _awaitingShow.Count - kept);
    }

    public void Render(in FrameTime time)
    {
        _camera.AspectRatio = _context.Width / (float)Math.Max(1, _context.Height);
        _renderer.BeginFrame(_context, Sky);
        _sceneRender.Draw(_camera, in _lighting);
        if (ContactSheet is not null)
        {
            RequestContactSheetCell();
        }

        if (CapturePath is { } path)
        {
            Screenshot.Save(_context, path);
            CapturePath = null;
        }

        if (FinishEachFrame)
        {
            _context.Gl.Finish();
        }

        // Headless contexts keep the title too, so scripted input can be checked.
        if (_titleDirty)
        {
            _context.Title = Title();
            _titleDirty = false;
        }
    }

    /// <summary>Waits for the contact sheet's outstanding read-backs (end of a run, not inside frames).</summary>
    public void FlushContactSheet() => _readback?.Flush(_toContactSheet);

    public void Dispose()
    {
        // Workers stop before the GL objects they write into go away.
        _readback?.Dispose();
        Plugin?.Dispose();
        _syncPipeline?.Dispose();
        _systems.Dispose();
        _renderer.Dispose();
        _assets.Dispose();
    }

    // A frame in which a generated image reached a texture is read back asynchronously; the cell is added frames
    // later, when its fence has signalled, so neither the read-back nor the downscale lands in a measured frame.
    private void RequestContactSheetCell()
    {
        if (_readback is { } old && (old.Width != _context.Width || old.Height != _context.Height))
        {
            old.Flush(_toContactSheet);
            old.Dispose();
            _readback = null;
        }

        _readback ??= new FrameReadback(_context.Gl, _context.Width, _context.Height);
        // Frames in which a generated image reached the screen, labelled with what reached it.
        if (_shownUpdates.Count > 0 && _sheetRequests < ContactSheetLimit && _readback.HasFreeSlot
            && _readback.TryRequest(_context.DefaultFramebuffer, DescribeUpdates(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_shownUpdates))))
        {
            _sheetRequests++;
        }

        _readback.Poll(_toContactSheet);
    }

    private string DescribeUpdates(ReadOnlySpan<TextureUpdate> updates)
    {
        var parts = new List<string>(updates.Length);
        foreach (TextureUpdate update in updates)
        {
            int index = Array.IndexOf(_objects, update.Entity);
            string name = index >= 0 ? $"{index} {ObjectNames[index]} '{_editor.PromptOf(index)}'" : update.Entity.ToString();
            string what = update.IsFinal
                ? $"final ({update.Steps} of {update.Steps}{(update.FromCache ? ", from the asset cache" : "")})"
                : $"preview step {update.Step} of {update.Steps}";
            parts.Add($"{name}: {what}");
        }

        return string.Create(CultureInfo.InvariantCulture, $"t={ClockSeconds:F2}s ") + string.Join("; ", parts);
    }

    private string Title()
    {
        int selected = _editor.Selected;
        string state = "";
        if (Plugin is not null && World.TryGet(_objects[selected], out GenerationProgress progress) && progress.Steps > 0)
        {
            state = progress.IsComplete ? (progress.FromCache ? " (done, from the cache)" : " (done)") : $" (step {progress.Step}/{progress.Steps})";
        }

        if (Plugin is not null && World.TryGet(_objects[selected], out GenerationFailed failed))
        {
            state = $" (failed: {failed.Reason})";
        }

        string sink = SinkName is null ? "" : $"   [sink: {SinkName}]";
        return $"RealtimeGen — [{selected}] {ObjectNames[selected]}: {_editor.Text}_{state}   Tab: next object, Enter: regenerate{sink}";
    }

    private void BuildScene(IGraphicsContext context)
    {
        var gl = context.Gl;
        var plane = _assets.Add(new Mesh(gl, MeshData.Plane(size: 14f, subdivisions: 1, uvScale: 6f)));
        var cube = _assets.Add(new Mesh(gl, MeshData.Cube(1.1f)));
        var sphere = _assets.Add(new Mesh(gl, MeshData.Sphere(0.65f, segments: 48, rings: 24)));

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
            _objects[i] = World.Create(transform, new MeshRenderer(mesh, material), new Spin { Axis = axis, RadiansPerSecond = 0.6f + (0.15f * i) });
        }

        var floor = Material(gl, (92, 92, 96), (140, 140, 146), cells: 8);
        _objects[^1] = World.Create(Transform.At(new Vector3(0f, -0.66f, 0f)), new MeshRenderer(plane, floor));
    }

    // Generated albedo arrives without a normal map: the lit shader derives one from it, so brick and stone show
    // relief under the moving light instead of looking like wallpaper.
    private MaterialHandle Material(Silk.NET.OpenGL.GL gl, (byte, byte, byte) a, (byte, byte, byte) b, int cells) =>
        _assets.Add(new LitMaterial(_assets.Own(CheckerTexture.Create(gl, 256, cells, a, b))) { DeriveNormalFromAlbedo = true });
}
