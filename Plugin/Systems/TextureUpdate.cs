using RealtimeGen.Engine.Ecs;

namespace RealtimeGen.Plugin.Systems;

/// <summary>An image the texture generation system handed to the sink this frame.</summary>
/// <param name="Entity">Whose texture.</param>
/// <param name="Step">Steps done: a preview when below <paramref name="Steps"/>, the final image when equal.</param>
/// <param name="Steps">Steps of the request.</param>
/// <param name="LatencyMs">Milliseconds since the request was submitted.</param>
/// <param name="IsFirstImage">True for the first image of its request.</param>
public readonly record struct TextureUpdate(Entity Entity, int Step, int Steps, double LatencyMs, bool IsFirstImage)
{
    /// <summary>True for a final image read from the asset cache (no inference ran).</summary>
    public bool FromCache { get; init; }

    /// <summary>True for the final image of the request.</summary>
    public bool IsFinal => Step == Steps;
}
