using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine.ExternalMemory;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Streaming;
using Silk.NET.OpenGL;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// The shape every GPU output route shares: a GL buffer holding the decoder's planar float output, turned into an RGBA8
/// texture by <see cref="PlanarToRgbaPass"/> on the render thread, and the write/latch hand-off between the worker and
/// the render thread (free → writing → written → converting, fenced and polled → free; retired at the end).
/// Subclasses own the shared memory and say how the producer's writes are ordered before the conversion.
/// </summary>
/// <remarks>Created, latched and disposed on the GL thread; the texture and the pass are this class's.</remarks>
public abstract class PlanarOutputRoute : IGpuOutputRoute
{
    private const int Free = 0;
    private const int Writing = 1;
    private const int Written = 2;
    private const int Converting = 3;
    private const int Retired = 4;

    private readonly Texture2D _texture;
    private readonly PlanarToRgbaPass _pass;
    private int _state;
    private nint _fence;
    private long _latched;
    private bool _disposed;

    /// <summary>Makes the RGBA8 texture and the conversion pass on <paramref name="gl"/> (the GL thread).</summary>
    protected PlanarOutputRoute(GL gl, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(gl);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Gl = gl;
        Width = width;
        Height = height;
        _texture = new Texture2D(gl, width, height, mipLevels: 1);
        try
        {
            _pass = new PlanarToRgbaPass(gl);
        }
        catch
        {
            _texture.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public int Width { get; }

    /// <inheritdoc/>
    public int Height { get; }

    /// <inheritdoc/>
    public abstract OrtValue DecoderOutput { get; }

    /// <inheritdoc/>
    public Texture2D Texture => _texture;

    /// <summary>The RGBA8 texture's GL name.</summary>
    public uint TextureHandle => _texture.Handle;

    /// <inheritdoc/>
    public long LatchedCount => _latched;

    /// <inheritdoc/>
    public bool ConversionPending => Volatile.Read(ref _state) == Converting;

    /// <summary>The renderer's GL.</summary>
    protected GL Gl { get; }

    /// <summary>The GL buffer the conversion reads the planar floats from.</summary>
    protected abstract uint SourceBuffer { get; }

    /// <inheritdoc/>
    public bool TryBeginWrite(int width, int height) =>
        width == Width && height == Height && Interlocked.CompareExchange(ref _state, Writing, Free) == Free;

    /// <inheritdoc/>
    public void EndWrite()
    {
        if (Volatile.Read(ref _state) != Writing)
        {
            throw new InvalidOperationException("EndWrite without a successful TryBeginWrite.");
        }

        OnWriteEnded();
        Volatile.Write(ref _state, Written);
    }

    /// <inheritdoc/>
    public void Discard()
    {
        if (Interlocked.CompareExchange(ref _state, Free, Written) != Written)
        {
            Interlocked.CompareExchange(ref _state, Free, Writing);
        }
    }

    /// <inheritdoc/>
    public bool Latch()
    {
        int state = Volatile.Read(ref _state);
        if (state == Converting)
        {
            if (FenceSignalled())
            {
                Volatile.Write(ref _state, Free);
            }

            return false;
        }

        if (state != Written)
        {
            return false;
        }

        BeforeConversion();
        _pass.Run(SourceBuffer, _texture);
        _fence = Gl.FenceSync(SyncCondition.SyncGpuCommandsComplete, SyncBehaviorFlags.None);
        _latched++;
        Volatile.Write(ref _state, Converting);
        return true;
    }

    /// <inheritdoc/>
    public bool TryRetire()
    {
        int state = Volatile.Read(ref _state);
        if (state == Converting && FenceSignalled())
        {
            Volatile.Write(ref _state, Free);
        }

        return Interlocked.CompareExchange(ref _state, Retired, Free) is Free or Retired
            || Interlocked.CompareExchange(ref _state, Retired, Written) == Written;
    }

    /// <summary>Releases the fence, the pass, the texture, then the subclass's shared memory; GL thread, no worker writing.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Volatile.Write(ref _state, Retired);
        if (_fence != 0)
        {
            Gl.DeleteSync(_fence);
            _fence = 0;
        }

        _pass.Dispose();
        _texture.Dispose();
        DisposeShared();
        GC.SuppressFinalize(this);
    }

    /// <summary>Worker, in <see cref="EndWrite"/>: orders the producer's writes before a later conversion (e.g. queues
    /// a fence signal). Nothing by default: the decoder run has returned once its writes are done.</summary>
    protected virtual void OnWriteEnded()
    {
    }

    /// <summary>Render thread, before the conversion reads <see cref="SourceBuffer"/>: makes the producer's writes
    /// visible to GL (a GPU-side semaphore wait, or an upload). Nothing by default.</summary>
    protected virtual void BeforeConversion()
    {
    }

    /// <summary>Releases the subclass's objects: the decoder output, the GL import, the shared memory.</summary>
    protected abstract void DisposeShared();

    private bool FenceSignalled()
    {
        GLEnum status = Gl.ClientWaitSync(_fence, SyncObjectMask.Bit, 0);
        if (status is not (GLEnum.AlreadySignaled or GLEnum.ConditionSatisfied))
        {
            return false;
        }

        Gl.DeleteSync(_fence);
        _fence = 0;
        return true;
    }
}
