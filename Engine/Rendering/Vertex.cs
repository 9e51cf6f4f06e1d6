using System.Numerics;
using System.Runtime.InteropServices;

namespace RealtimeGen.Engine.Rendering;

/// <summary>The vertex layout of every <see cref="Mesh"/>: 48 bytes, attribute locations 0 to 3 in field order.</summary>
/// <param name="Position">Object-space position (location 0).</param>
/// <param name="Normal">Unit object-space normal (location 1).</param>
/// <param name="TexCoord">Texture coordinate; v = 0 is the first (top) row of an uploaded image (location 2).</param>
/// <param name="Tangent">Unit tangent along +u in xyz; w = ±1 so that cross(normal, tangent) * w points along +v
/// (location 3).</param>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct Vertex(Vector3 Position, Vector3 Normal, Vector2 TexCoord, Vector4 Tangent)
{
    /// <summary>Size in bytes, the stride of a vertex buffer.</summary>
    public const int SizeInBytes = 48;
}
