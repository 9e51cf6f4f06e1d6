using System.Numerics;

namespace RealtimeGen.Engine.Scene;

/// <summary>Where an entity is: position, rotation and scale in world space.</summary>
public struct Transform
{
    /// <summary>World-space position.</summary>
    public Vector3 Position;

    /// <summary>World-space rotation.</summary>
    public Quaternion Rotation;

    /// <summary>Per-axis scale.</summary>
    public Vector3 Scale;

    /// <summary>A transform at <paramref name="position"/> with no rotation and unit scale.</summary>
    public static Transform At(Vector3 position) => new() { Position = position, Rotation = Quaternion.Identity, Scale = Vector3.One };

    /// <summary>The model matrix: scale, then rotate, then translate.</summary>
    public readonly Matrix4x4 Matrix =>
        Matrix4x4.CreateScale(Scale) * Matrix4x4.CreateFromQuaternion(Rotation) * Matrix4x4.CreateTranslation(Position);
}
