using System.Numerics;

namespace RealtimeGen.Engine.Rendering;

/// <summary>One thing to draw: a mesh, its material and its object-to-world transform (row-vector convention).</summary>
/// <remarks>A struct so that a frame's draw list is a reusable array or span, not a fresh collection.</remarks>
public readonly record struct DrawItem(Mesh Mesh, LitMaterial Material, Matrix4x4 Model);
