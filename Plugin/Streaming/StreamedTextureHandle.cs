namespace RealtimeGen.Plugin.Streaming;

/// <summary>Refers to a texture that a <see cref="ITextureSink"/> owns and refills, so components stay small.</summary>
/// <param name="Index">Position in the sink's texture table.</param>
/// <param name="Generation">Bumped when the index is reused, so a released handle never finds the new texture.</param>
public readonly record struct StreamedTextureHandle(int Index, int Generation)
{
    /// <summary>The handle of no texture.</summary>
    public static StreamedTextureHandle None => new(-1, 0);

    /// <summary>False for <see cref="None"/>.</summary>
    public bool IsValid => Index >= 0;
}
