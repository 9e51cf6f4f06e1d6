namespace RealtimeGen.Benchmarks.Ecs;

/// <summary>Velocity per second, 12 bytes.</summary>
public struct Velocity
{
    public float X;
    public float Y;
    public float Z;
}
