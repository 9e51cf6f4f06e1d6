namespace RealtimeGen.Engine.Scene;

/// <summary>Draws an entity: which mesh and which material, by handle into the scene's <see cref="RenderAssets"/>.</summary>
/// <param name="Mesh">Handle from <see cref="RenderAssets.Add(Rendering.Mesh)"/>.</param>
/// <param name="Material">Handle from <see cref="RenderAssets.Add(Rendering.LitMaterial)"/>.</param>
public record struct MeshRenderer(MeshHandle Mesh, MaterialHandle Material);
