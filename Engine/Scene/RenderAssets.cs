using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Engine.Scene;

/// <summary>
/// The meshes, materials and textures a scene draws with, owned in one place and referred to from components by
/// handle.
/// </summary>
/// <remarks>
/// Owns every mesh and texture added to it and disposes them, on the GL thread, when disposed. Materials hold no GL
/// objects of their own. Adding is for load time; lookups are allocation-free and may run every frame.
/// </remarks>
public sealed class RenderAssets : IDisposable
{
    private readonly List<Mesh> _meshes = [];
    private readonly List<LitMaterial> _materials = [];
    private readonly List<Texture2D> _textures = [];

    /// <summary>Takes ownership of <paramref name="mesh"/>.</summary>
    public MeshHandle Add(Mesh mesh)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        _meshes.Add(mesh);
        return new MeshHandle(_meshes.Count - 1);
    }

    /// <summary>Registers <paramref name="material"/>; its textures must be owned here or elsewhere.</summary>
    public MaterialHandle Add(LitMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        _materials.Add(material);
        return new MaterialHandle(_materials.Count - 1);
    }

    /// <summary>Takes ownership of <paramref name="texture"/> and returns it, for use in materials.</summary>
    public Texture2D Own(Texture2D texture)
    {
        ArgumentNullException.ThrowIfNull(texture);
        _textures.Add(texture);
        return texture;
    }

    /// <summary>The mesh behind <paramref name="handle"/>.</summary>
    public Mesh this[MeshHandle handle] => _meshes[handle.Index];

    /// <summary>The material behind <paramref name="handle"/>.</summary>
    public LitMaterial this[MaterialHandle handle] => _materials[handle.Index];

    /// <summary>Deletes the owned meshes and textures (GL thread only).</summary>
    public void Dispose()
    {
        foreach (var mesh in _meshes)
        {
            mesh.Dispose();
        }

        foreach (var texture in _textures)
        {
            texture.Dispose();
        }

        _meshes.Clear();
        _materials.Clear();
        _textures.Clear();
    }
}
