using System.Numerics;
using CsCheck;
using NUnit.Framework;
using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Tests.Engine.Rendering;

public class MeshDataTests
{
    private static IEnumerable<TestCaseData> Shapes()
    {
        yield return new TestCaseData(MeshData.Plane(2f, 3, 2f)).SetName("Plane");
        yield return new TestCaseData(MeshData.Cube(1.5f)).SetName("Cube");
        yield return new TestCaseData(MeshData.Sphere(0.75f, 24, 12)).SetName("Sphere");
    }

    [TestCaseSource(nameof(Shapes))]
    public void Frames_are_orthonormal_and_triangles_face_along_their_normals(MeshData mesh)
    {
        string? problem = FirstProblem(mesh);

        Assert.That(problem, Is.Null);
    }

    [Test]
    public void Plane_tangent_runs_along_u_and_handedness_points_bitangent_along_v()
    {
        MeshData plane = MeshData.Plane();
        Vertex first = plane.Vertices[0];
        Vector3 bitangent = Vector3.Cross(first.Normal, new Vector3(first.Tangent.X, first.Tangent.Y, first.Tangent.Z)) * first.Tangent.W;

        Assert.That(Vector3.Distance(new Vector3(first.Tangent.X, first.Tangent.Y, first.Tangent.Z), Vector3.UnitX), Is.LessThan(1e-5f));
        Assert.That(Vector3.Distance(bitangent, Vector3.UnitZ), Is.LessThan(1e-5f));
    }

    [Test]
    public void Counts_follow_the_parameters()
    {
        Assert.Multiple(() =>
        {
            Assert.That(MeshData.Plane(1f, 4).Vertices.Length, Is.EqualTo(25));
            Assert.That(MeshData.Plane(1f, 4).Indices.Length, Is.EqualTo(4 * 4 * 6));
            Assert.That(MeshData.Cube().Vertices.Length, Is.EqualTo(24));
            Assert.That(MeshData.Cube().Indices.Length, Is.EqualTo(36));
            Assert.That(MeshData.Sphere(1f, 8, 4).Indices.Length, Is.EqualTo(((8 * 4 * 2) - (2 * 8)) * 3));
        });
    }

    [Test]
    public void Sphere_vertices_lie_on_the_radius_for_any_tessellation()
    {
        Gen.Select(Gen.Int[3, 48], Gen.Int[2, 24], Gen.Float[0.1f, 10f]).Sample((segments, rings, radius) =>
        {
            MeshData sphere = MeshData.Sphere(radius, segments, rings);
            foreach (Vertex vertex in sphere.Vertices)
            {
                if (MathF.Abs(vertex.Position.Length() - radius) > radius * 1e-4f)
                {
                    return false;
                }
            }

            return FirstProblem(sphere) is null;
        }, iter: 60);
    }

    [Test]
    public void Out_of_range_indices_are_rejected()
    {
        var vertices = new Vertex[3];

        Assert.Throws<ArgumentException>(() => _ = new MeshData(vertices, [0, 1, 3]));
        Assert.Throws<ArgumentException>(() => _ = new MeshData(vertices, [0, 1]));
    }

    private static string? FirstProblem(MeshData mesh)
    {
        ReadOnlySpan<Vertex> vertices = mesh.Vertices;
        foreach (Vertex vertex in vertices)
        {
            var tangent = new Vector3(vertex.Tangent.X, vertex.Tangent.Y, vertex.Tangent.Z);
            if (MathF.Abs(vertex.Normal.Length() - 1f) > 1e-4f)
            {
                return $"normal {vertex.Normal} is not unit length";
            }

            if (MathF.Abs(tangent.Length() - 1f) > 1e-4f || MathF.Abs(Vector3.Dot(tangent, vertex.Normal)) > 1e-4f)
            {
                return $"tangent {tangent} is not unit or not perpendicular to {vertex.Normal}";
            }

            if (MathF.Abs(vertex.Tangent.W) != 1f)
            {
                return $"handedness {vertex.Tangent.W} is not ±1";
            }
        }

        ReadOnlySpan<uint> indices = mesh.Indices;
        for (int i = 0; i < indices.Length; i += 3)
        {
            Vertex a = vertices[(int)indices[i]];
            Vertex b = vertices[(int)indices[i + 1]];
            Vertex c = vertices[(int)indices[i + 2]];
            Vector3 geometric = Vector3.Cross(b.Position - a.Position, c.Position - a.Position);
            if (geometric.LengthSquared() < 1e-14f)
            {
                return $"triangle {i / 3} is degenerate";
            }

            if (Vector3.Dot(geometric, a.Normal + b.Normal + c.Normal) <= 0f)
            {
                return $"triangle {i / 3} winds clockwise seen from its normals' side";
            }
        }

        return null;
    }
}
