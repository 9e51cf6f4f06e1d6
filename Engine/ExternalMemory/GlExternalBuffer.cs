using RealtimeGen.Engine.Rendering;
using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>
/// A GL buffer whose storage is imported memory (glNamedBufferStorageMemEXT), e.g. a decoder's output tensor that a
/// shader reads or a pixel-unpack source. Owns the GL buffer and holds a reference on its <see cref="GlMemoryObject"/>.
/// </summary>
/// <remarks>
/// Create, use and dispose on the GL thread. Not every driver can back a buffer with imported memory: Mesa's
/// llvmpipe raises GL_OUT_OF_MEMORY, which <see cref="Create"/> turns into a <see cref="RealtimeGenException"/> that
/// points at the texture import instead.
/// </remarks>
public sealed class GlExternalBuffer : IDisposable
{
    private readonly GL _gl;
    private readonly GlMemoryObject _memory;
    private readonly GlThread _glThread = GlThread.Current;
    private uint _handle;

    private GlExternalBuffer(GL gl, GlMemoryObject memory, uint handle, ulong size)
    {
        _gl = gl;
        _memory = memory;
        _handle = handle;
        Size = size;
    }

    /// <summary>Size in bytes.</summary>
    public ulong Size { get; }

    /// <summary>The GL buffer name; 0 after disposal.</summary>
    public uint Handle => _handle;

    /// <summary>Creates a buffer over <paramref name="size"/> bytes of <paramref name="memory"/> from <paramref name="offset"/>.</summary>
    /// <exception cref="RealtimeGenException">The driver cannot back a buffer with this memory.</exception>
    public static GlExternalBuffer Create(GlMemoryObject memory, ulong size, ulong offset = 0)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ObjectDisposedException.ThrowIf(memory.Name == 0, memory);
        ArgumentOutOfRangeException.ThrowIfZero(size);
        if (offset + size > memory.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(size),
                $"{size} bytes at offset {offset} do not fit in the {memory.Size}-byte memory object.");
        }

        GlExternalMemorySupport support = memory.Support;
        GL gl = support.Gl;
        uint handle = gl.CreateBuffer();
        GlErrors.Drain(gl);
        unsafe
        {
            support.Api.NamedBufferStorageMem(handle, (nint)size, memory.Name, offset);
        }

        GLEnum error = GlErrors.Take(gl);
        if (error != GLEnum.NoError)
        {
            gl.DeleteBuffer(handle);
            string hint = error == GLEnum.OutOfMemory
                ? " This driver cannot place a buffer in imported memory (Mesa's llvmpipe reports GL_OUT_OF_MEMORY); import the memory as a texture (GlExternalTexture) instead."
                : string.Empty;
            throw new RealtimeGenException(
                $"glNamedBufferStorageMemEXT failed with {error} for {size} bytes at offset {offset} of a {memory.Size}-byte memory object on '{support.Renderer}'.{hint}");
        }

        memory.Retain();
        return new GlExternalBuffer(gl, memory, handle, size);
    }

    /// <summary>Deletes the buffer and releases its reference on the memory object; call on the GL thread.</summary>
    public void Dispose()
    {
        if (_handle == 0 || !_glThread.CheckDisposeThread(nameof(GlExternalBuffer)))
        {
            return;
        }

        _gl.DeleteBuffer(_handle);
        _handle = 0;
        _memory.Release();
    }
}
