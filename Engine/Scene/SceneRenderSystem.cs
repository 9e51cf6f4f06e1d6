using RealtimeGen.Engine.Ecs;
using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Engine.Scene;

/// <summary>
/// Draws every entity with a <see cref="Transform"/> and a <see cref="MeshRenderer"/>: gathers them into a reused draw
/// list with a struct query, then hands the list to the <see cref="Renderer"/>.
/// </summary>
/// <remarks>GL thread only. Allocation-free once the draw list has grown to the scene's size.</remarks>
public sealed class SceneRenderSystem
{
    private readonly World _world;
    private readonly RenderAssets _assets;
    private readonly Renderer _renderer;
    private readonly QueryDescription _drawables = new QueryDescription().WithAll<Transform, MeshRenderer>();
    private DrawItem[] _items = new DrawItem[64];

    /// <summary>Creates the system over <paramref name="world"/>, drawing with <paramref name="renderer"/>.</summary>
    public SceneRenderSystem(World world, RenderAssets assets, Renderer renderer)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(renderer);
        _world = world;
        _assets = assets;
        _renderer = renderer;
    }

    /// <summary>Entities drawn by the last <see cref="Draw"/>.</summary>
    public int LastDrawCount { get; private set; }

    /// <summary>Draws the scene into the currently begun frame.</summary>
    public void Draw(Camera camera, in SceneLighting lighting)
    {
        var needed = _world.CountEntities(in _drawables);
        if (needed > _items.Length)
        {
            Array.Resize(ref _items, Math.Max(needed, _items.Length * 2));
        }

        var gather = new Gather(_items, _assets);
        _world.InlineQuery<Gather, Transform, MeshRenderer>(in _drawables, ref gather);
        _renderer.Draw(_items.AsSpan(0, gather.Count), camera, in lighting);
        LastDrawCount = gather.Count;
    }

    private struct Gather(DrawItem[] items, RenderAssets assets) : IForEach<Transform, MeshRenderer>
    {
        public int Count;

        public void Update(ref Transform transform, ref MeshRenderer renderer)
        {
            items[Count++] = new DrawItem(assets[renderer.Mesh], assets[renderer.Material], transform.Matrix);
        }
    }
}
