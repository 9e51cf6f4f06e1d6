using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.Rendering;

/// <summary>Indexed triangles on the GPU: owns one vertex array, one vertex buffer and one index buffer.</summary>
/// <remarks>
/// Immutable storage (glNamedBufferStorage) filled at construction. Attribute locations follow <see cref="Vertex"/>:
/// 0 position, 1 normal, 2 uv, 3 tangent. Create, draw and dispose on the GL thread.
/// </remarks>
public sealed class Mesh : IDisposable
{
    private readonly GL _gl;
    private readonly GlThread _glThread = GlThread.Current;
    private uint _vertexArray;
    private uint _vertexBuffer;
    private uint _indexBuffer;

    /// <summary>Uploads <paramref name="data"/>.</summary>
    public Mesh(GL gl, MeshData data)
        : this(gl, data is null ? throw new ArgumentNullException(nameof(data)) : data.Vertices, data.Indices)
    {
    }

    /// <summary>Uploads vertices and triangle-list indices.</summary>
    public unsafe Mesh(GL gl, ReadOnlySpan<Vertex> vertices, ReadOnlySpan<uint> indices)
    {
        ArgumentNullException.ThrowIfNull(gl);
        if (vertices.IsEmpty || indices.IsEmpty || indices.Length % 3 != 0)
        {
            throw new ArgumentException($"A mesh needs vertices and a non-empty triangle list; got {vertices.Length} vertices and {indices.Length} indices.");
        }

        _gl = gl;
        IndexCount = indices.Length;
        _vertexBuffer = gl.CreateBuffer();
        fixed (Vertex* vertexData = vertices)
        {
            gl.NamedBufferStorage(_vertexBuffer, (nuint)(vertices.Length * Vertex.SizeInBytes), vertexData, BufferStorageMask.None);
        }

        _indexBuffer = gl.CreateBuffer();
        fixed (uint* indexData = indices)
        {
            gl.NamedBufferStorage(_indexBuffer, (nuint)(indices.Length * sizeof(uint)), indexData, BufferStorageMask.None);
        }

        _vertexArray = gl.CreateVertexArray();
        gl.VertexArrayVertexBuffer(_vertexArray, 0, _vertexBuffer, 0, Vertex.SizeInBytes);
        gl.VertexArrayElementBuffer(_vertexArray, _indexBuffer);
        Attribute(gl, _vertexArray, 0, 3, 0);
        Attribute(gl, _vertexArray, 1, 3, 12);
        Attribute(gl, _vertexArray, 2, 2, 24);
        Attribute(gl, _vertexArray, 3, 4, 32);
    }

    /// <summary>Number of indices drawn.</summary>
    public int IndexCount { get; }

    /// <summary>The GL vertex array name; 0 after disposal.</summary>
    public uint VertexArray => _vertexArray;

    /// <summary>Binds the vertex array and draws all triangles with the current program.</summary>
    public unsafe void Draw()
    {
        _gl.BindVertexArray(_vertexArray);
        _gl.DrawElements(PrimitiveType.Triangles, (uint)IndexCount, DrawElementsType.UnsignedInt, null);
    }

    /// <summary>Deletes the vertex array and buffers; call on the GL thread.</summary>
    public void Dispose()
    {
        if (_vertexArray == 0 || !_glThread.CheckDisposeThread(nameof(Mesh)))
        {
            return;
        }

        _gl.DeleteVertexArray(_vertexArray);
        _gl.DeleteBuffer(_vertexBuffer);
        _gl.DeleteBuffer(_indexBuffer);
        _vertexArray = 0;
        _vertexBuffer = 0;
        _indexBuffer = 0;
    }

    private static void Attribute(GL gl, uint vertexArray, uint location, int components, uint offset)
    {
        gl.EnableVertexArrayAttrib(vertexArray, location);
        gl.VertexArrayAttribFormat(vertexArray, location, components, VertexAttribType.Float, false, offset);
        gl.VertexArrayAttribBinding(vertexArray, location, 0);
    }
}
