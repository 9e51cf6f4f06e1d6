namespace RealtimeGen.Engine.Scene;

/// <summary>Refers to a material in a <see cref="RenderAssets"/> table, so components stay unmanaged.</summary>
/// <param name="Index">Position in the table.</param>
public readonly record struct MaterialHandle(int Index);
