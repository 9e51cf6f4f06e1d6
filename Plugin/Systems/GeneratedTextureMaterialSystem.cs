using RealtimeGen.Engine.Ecs;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Engine.Scene;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.Systems;

/// <summary>
/// Points the material of each entity whose generated texture was (re)created at the new texture, so it shows from
/// the frame of its first upload. Works on the sink's replaced-texture list, so its cost follows what changed.
/// </summary>
/// <remarks>
/// Run it right after <see cref="ITextureSink.Upload"/> on the render thread. The material (via the entity's
/// <see cref="MeshRenderer"/>) must be the entity's own: a material shared by several generating entities shows
/// whichever updated last.
/// </remarks>
public sealed class GeneratedTextureMaterialSystem(World world, RenderAssets assets, ITextureSink sink, TextureGenerationSystem generation)
    : ISystem<FrameTime>
{
    /// <inheritdoc/>
    public void Update(in FrameTime state)
    {
        foreach (StreamedTextureHandle handle in sink.ReplacedTextures)
        {
            if (generation.TryGetEntity(handle, out Entity entity) && world.IsAlive(entity)
                && world.TryGet(entity, out MeshRenderer renderer) && sink.GetTexture(handle) is Texture2D texture)
            {
                assets[renderer.Material].Albedo = texture;
            }
        }
    }
}
