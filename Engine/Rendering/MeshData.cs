using System.Numerics;

namespace RealtimeGen.Engine.Rendering;

/// <summary>
/// Indexed triangle geometry on the CPU, ready for <see cref="Mesh"/>: counter-clockwise front faces, unit normals,
/// uvs and tangents. The generators build shapes centred on the origin.
/// </summary>
/// <remarks>Immutable after construction; safe to share between threads.</remarks>
public sealed class MeshData
{
    private readonly Vertex[] _vertices;
    private readonly uint[] _indices;

    /// <summary>Wraps vertices and triangle-list indices. Tangents are taken as given; build with
    /// <see cref="WithComputedTangents"/> when the source has none.</summary>
    /// <exception cref="ArgumentException">The index count is not a multiple of 3 or an index is out of range.</exception>
    public MeshData(Vertex[] vertices, uint[] indices)
    {
        ArgumentNullException.ThrowIfNull(vertices);
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Length % 3 != 0)
        {
            throw new ArgumentException($"A triangle list needs a multiple of 3 indices; got {indices.Length}.", nameof(indices));
        }

        foreach (uint index in indices)
        {
            if (index >= (uint)vertices.Length)
            {
                throw new ArgumentException($"Index {index} is out of range for {vertices.Length} vertices.", nameof(indices));
            }
        }

        _vertices = vertices;
        _indices = indices;
    }

    /// <summary>The vertices.</summary>
    public ReadOnlySpan<Vertex> Vertices => _vertices;

    /// <summary>Triangle-list indices into <see cref="Vertices"/>.</summary>
    public ReadOnlySpan<uint> Indices => _indices;

    /// <summary>A flat square in the XZ plane facing +Y, split into a grid of quads.</summary>
    /// <param name="size">Edge length.</param>
    /// <param name="subdivisions">Quads along each edge (at least 1).</param>
    /// <param name="uvScale">Texture repeats across the plane; u runs along +X, v along +Z.</param>
    public static MeshData Plane(float size = 1f, int subdivisions = 1, float uvScale = 1f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(size, 0f);
        ArgumentOutOfRangeException.ThrowIfLessThan(subdivisions, 1);
        int side = subdivisions + 1;
        var vertices = new Vertex[side * side];
        float half = size / 2f;
        for (int row = 0; row < side; row++)
        {
            for (int column = 0; column < side; column++)
            {
                float u = column / (float)subdivisions;
                float v = row / (float)subdivisions;
                vertices[(row * side) + column] = new Vertex(
                    new Vector3(-half + (u * size), 0f, -half + (v * size)),
                    Vector3.UnitY,
                    new Vector2(u * uvScale, v * uvScale),
                    default);
            }
        }

        var indices = new uint[subdivisions * subdivisions * 6];
        int next = 0;
        for (int row = 0; row < subdivisions; row++)
        {
            for (int column = 0; column < subdivisions; column++)
            {
                uint near = (uint)((row * side) + column);
                uint far = near + (uint)side;

                // (x0,z0) (x0,z1) (x1,z1) and (x0,z0) (x1,z1) (x1,z0) wind counter-clockwise seen from +Y.
                indices[next++] = near;
                indices[next++] = far;
                indices[next++] = far + 1;
                indices[next++] = near;
                indices[next++] = far + 1;
                indices[next++] = near + 1;
            }
        }

        return WithComputedTangents(vertices, indices);
    }

    /// <summary>An axis-aligned cube with 4 vertices per face (hard edges), each face mapping the full texture.</summary>
    public static MeshData Cube(float size = 1f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(size, 0f);
        float half = size / 2f;
        ReadOnlySpan<Vector3> normals = [Vector3.UnitX, -Vector3.UnitX, Vector3.UnitY, -Vector3.UnitY, Vector3.UnitZ, -Vector3.UnitZ];
        var vertices = new Vertex[24];
        var indices = new uint[36];
        for (int face = 0; face < 6; face++)
        {
            Vector3 normal = normals[face];

            // Two in-face axes: "right" along +u and "down" along +v of the face's texture.
            Vector3 up = MathF.Abs(normal.Y) > 0.5f ? -Vector3.UnitZ : Vector3.UnitY;
            Vector3 right = Vector3.Cross(up, normal);
            Vector3 down = -up;
            int first = face * 4;
            for (int corner = 0; corner < 4; corner++)
            {
                float u = corner is 1 or 2 ? 1f : 0f;
                float v = corner >= 2 ? 1f : 0f;
                Vector3 position = (normal + (right * ((u * 2f) - 1f)) + (down * ((v * 2f) - 1f))) * half;
                vertices[first + corner] = new Vertex(position, normal, new Vector2(u, v), default);
            }

            int at = face * 6;
            AddTriangle(indices, at, vertices, (uint)first, (uint)first + 1, (uint)first + 2, normal);
            AddTriangle(indices, at + 3, vertices, (uint)first, (uint)first + 2, (uint)first + 3, normal);
        }

        return WithComputedTangents(vertices, indices);
    }

    /// <summary>A UV sphere: <paramref name="segments"/> around the Y axis, <paramref name="rings"/> from pole to pole;
    /// u wraps once around, v runs from the +Y pole (0) to the -Y pole (1).</summary>
    public static MeshData Sphere(float radius = 0.5f, int segments = 32, int rings = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(radius, 0f);
        ArgumentOutOfRangeException.ThrowIfLessThan(segments, 3);
        ArgumentOutOfRangeException.ThrowIfLessThan(rings, 2);
        int columns = segments + 1;
        var vertices = new Vertex[columns * (rings + 1)];
        for (int ring = 0; ring <= rings; ring++)
        {
            float v = ring / (float)rings;
            float theta = v * MathF.PI;
            for (int segment = 0; segment <= segments; segment++)
            {
                float u = segment / (float)segments;
                float phi = u * 2f * MathF.PI;

                // phi runs clockwise seen from +Y so that u increases to the right seen from outside.
                var normal = new Vector3(MathF.Sin(theta) * MathF.Cos(phi), MathF.Cos(theta), -MathF.Sin(theta) * MathF.Sin(phi));
                vertices[(ring * columns) + segment] = new Vertex(normal * radius, normal, new Vector2(u, v), default);
            }
        }

        var indices = new List<uint>(segments * rings * 6);
        for (int ring = 0; ring < rings; ring++)
        {
            for (int segment = 0; segment < segments; segment++)
            {
                uint topLeft = (uint)((ring * columns) + segment);
                uint bottomLeft = topLeft + (uint)columns;

                // The triangles that would collapse onto a pole are left out.
                if (ring != 0)
                {
                    indices.Add(topLeft);
                    indices.Add(bottomLeft);
                    indices.Add(topLeft + 1);
                }

                if (ring != rings - 1)
                {
                    indices.Add(topLeft + 1);
                    indices.Add(bottomLeft);
                    indices.Add(bottomLeft + 1);
                }
            }
        }

        return WithComputedTangents(vertices, [.. indices]);
    }

    /// <summary>Builds mesh data whose tangents are derived from positions and uvs (per-triangle uv gradients
    /// averaged per vertex, then made orthogonal to the normal), with the handedness in w.</summary>
    public static MeshData WithComputedTangents(Vertex[] vertices, uint[] indices)
    {
        var data = new MeshData(vertices, indices);
        var alongU = new Vector3[vertices.Length];
        var alongV = new Vector3[vertices.Length];
        for (int i = 0; i < indices.Length; i += 3)
        {
            uint a = indices[i];
            uint b = indices[i + 1];
            uint c = indices[i + 2];
            Vector3 edge1 = vertices[b].Position - vertices[a].Position;
            Vector3 edge2 = vertices[c].Position - vertices[a].Position;
            Vector2 uv1 = vertices[b].TexCoord - vertices[a].TexCoord;
            Vector2 uv2 = vertices[c].TexCoord - vertices[a].TexCoord;
            float determinant = (uv1.X * uv2.Y) - (uv2.X * uv1.Y);
            if (MathF.Abs(determinant) < 1e-12f)
            {
                continue;
            }

            float inverse = 1f / determinant;
            Vector3 u = ((edge1 * uv2.Y) - (edge2 * uv1.Y)) * inverse;
            Vector3 v = ((edge2 * uv1.X) - (edge1 * uv2.X)) * inverse;
            alongU[a] += u;
            alongU[b] += u;
            alongU[c] += u;
            alongV[a] += v;
            alongV[b] += v;
            alongV[c] += v;
        }

        for (int i = 0; i < vertices.Length; i++)
        {
            Vector3 normal = vertices[i].Normal;
            Vector3 tangent = alongU[i] - (normal * Vector3.Dot(normal, alongU[i]));
            if (tangent.LengthSquared() < 1e-12f)
            {
                tangent = AnyPerpendicular(normal);
            }

            tangent = Vector3.Normalize(tangent);
            float handedness = Vector3.Dot(Vector3.Cross(normal, tangent), alongV[i]) < 0f ? -1f : 1f;
            vertices[i] = vertices[i] with { Tangent = new Vector4(tangent, handedness) };
        }

        return data;
    }

    private static void AddTriangle(uint[] indices, int at, Vertex[] vertices, uint a, uint b, uint c, Vector3 facing)
    {
        Vector3 geometric = Vector3.Cross(vertices[b].Position - vertices[a].Position, vertices[c].Position - vertices[a].Position);
        bool counterClockwise = Vector3.Dot(geometric, facing) > 0f;
        indices[at] = a;
        indices[at + 1] = counterClockwise ? b : c;
        indices[at + 2] = counterClockwise ? c : b;
    }

    private static Vector3 AnyPerpendicular(Vector3 normal) =>
        Vector3.Cross(normal, MathF.Abs(normal.X) < 0.9f ? Vector3.UnitX : Vector3.UnitY);
}
