namespace RealtimeGen.Benchmarks.Ecs;

/// <summary>World-space position, 12 bytes.</summary>
public struct Position
{
    public float X;
    public float Y;
    public float Z;
}
