namespace RealtimeGen.Tests.Engine.Ecs;

// Components shared by the ECS tests: small unmanaged structs plus managed ones, so chunk columns of both kinds
// are exercised.
internal struct Position
{
    public float X;
    public float Y;
    public float Z;

    public Position(float x, float y, float z)
    {
        X = x;
        Y = y;
        Z = z;
    }
}

internal struct Velocity
{
    public float X;
    public float Y;
    public float Z;

    public Velocity(float x, float y, float z)
    {
        X = x;
        Y = y;
        Z = z;
    }
}

internal struct Health
{
    public int Value;
}

internal struct Frozen
{
}

internal struct CompA
{
    public int Value;
}

internal struct CompB
{
    public int Value;
}

internal struct CompC
{
    public int Value;
}

/// <summary>A managed struct component (contains a reference).</summary>
internal struct Label
{
    public string? Text;
}

/// <summary>A managed class component.</summary>
internal sealed class Inventory
{
    public List<string> Items { get; } = [];
}
