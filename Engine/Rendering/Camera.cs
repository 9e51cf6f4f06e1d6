using System.Numerics;

namespace RealtimeGen.Engine.Rendering;

/// <summary>A perspective camera looking from <see cref="Position"/> at <see cref="Target"/>, producing
/// System.Numerics matrices (right-handed, row-vector convention) for OpenGL's −1..1 clip depth.</summary>
/// <remarks>A plain mutable value holder; not thread-safe. Matrices are computed on each read, without allocation.</remarks>
public sealed class Camera
{
    /// <summary>Eye position in world space.</summary>
    public Vector3 Position { get; set; } = new(0f, 0f, 5f);

    /// <summary>Point looked at.</summary>
    public Vector3 Target { get; set; } = Vector3.Zero;

    /// <summary>World up direction.</summary>
    public Vector3 Up { get; set; } = Vector3.UnitY;

    /// <summary>Vertical field of view in radians.</summary>
    public float FieldOfView { get; set; } = MathF.PI / 3f;

    /// <summary>Width divided by height of the target.</summary>
    public float AspectRatio { get; set; } = 16f / 9f;

    /// <summary>Distance to the near clip plane.</summary>
    public float NearPlane { get; set; } = 0.1f;

    /// <summary>Distance to the far clip plane.</summary>
    public float FarPlane { get; set; } = 100f;

    /// <summary>World to view transform.</summary>
    public Matrix4x4 View => Matrix4x4.CreateLookAt(Position, Target, Up);

    /// <summary>View to clip transform with GL's depth range: near maps to −1, far to +1.</summary>
    public Matrix4x4 Projection
    {
        get
        {
            // System.Numerics maps depth to 0..1 (Direct3D); GL clips at −w..w, so rewrite the two depth terms.
            Matrix4x4 projection = Matrix4x4.CreatePerspectiveFieldOfView(FieldOfView, AspectRatio, NearPlane, FarPlane);
            float range = NearPlane - FarPlane;
            projection.M33 = (FarPlane + NearPlane) / range;
            projection.M43 = 2f * FarPlane * NearPlane / range;
            return projection;
        }
    }

    /// <summary>View then projection, in one matrix.</summary>
    public Matrix4x4 ViewProjection => View * Projection;
}
