using System.Numerics;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>Turns an entity about <see cref="Axis"/> at <see cref="RadiansPerSecond"/>.</summary>
internal struct Spin
{
    public Vector3 Axis;
    public float RadiansPerSecond;
}
