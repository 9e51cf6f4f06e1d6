using System.Numerics;

namespace RealtimeGen.Engine.Rendering;

/// <summary>One directional light plus ambient light, in linear RGB.</summary>
/// <param name="Direction">Direction the light travels (from the light towards the scene); need not be unit length.</param>
/// <param name="Color">Light colour times intensity.</param>
/// <param name="Ambient">Light reaching every surface regardless of orientation.</param>
public readonly record struct SceneLighting(Vector3 Direction, Vector3 Color, Vector3 Ambient)
{
    /// <summary>A white sun from above and slightly behind the viewer, with a dim ambient term.</summary>
    public static SceneLighting Default => new(new Vector3(-0.4f, -1f, -0.6f), new Vector3(0.9f), new Vector3(0.15f));
}
