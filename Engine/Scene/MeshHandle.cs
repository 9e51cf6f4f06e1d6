namespace RealtimeGen.Engine.Scene;

/// <summary>Refers to a mesh in a <see cref="RenderAssets"/> table, so components stay unmanaged.</summary>
/// <param name="Index">Position in the table.</param>
public readonly record struct MeshHandle(int Index);
