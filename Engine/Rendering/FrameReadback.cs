using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.Rendering;

/// <summary>
/// Reads frames back without stalling the frame that asks: <c>glReadPixels</c> into a ring of pixel-pack buffers,
/// a fence after each, and the bytes handed over a later frame, once the fence has signalled.
/// </summary>
/// <remarks>
/// GL thread only. A request when every slot is still in flight is dropped (returns false) rather than waiting:
/// captures are for documenting a run and must not change its frame times. The consumer receives the pixels in GL's
/// order (bottom row first) and must copy what it keeps before returning; the memory is the mapped buffer.
/// </remarks>
public sealed class FrameReadback : IDisposable
{
    /// <summary>Receives one finished read-back: RGBA8 bottom row first, and the tag given to the request.</summary>
    public delegate void Consumer(ReadOnlySpan<byte> rgba, int width, int height, object? tag);

    private readonly GL _gl;
    private readonly GlThread _thread = GlThread.Current;
    private readonly Slot[] _slots;
    private long _sequence;
    private bool _disposed;

    /// <summary>Creates <paramref name="slots"/> pack buffers for <paramref name="width"/> × <paramref name="height"/> RGBA8 frames.</summary>
    public unsafe FrameReadback(GL gl, int width, int height, int slots = 3)
    {
        ArgumentNullException.ThrowIfNull(gl);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        _gl = gl;
        Width = width;
        Height = height;
        _slots = new Slot[slots];
        nuint bytes = (nuint)width * (nuint)height * 4;
        for (int i = 0; i < slots; i++)
        {
            uint buffer = gl.GenBuffer();
            gl.BindBuffer(BufferTargetARB.PixelPackBuffer, buffer);
            gl.BufferData(BufferTargetARB.PixelPackBuffer, bytes, null, BufferUsageARB.StreamRead);
            _slots[i] = new Slot { Buffer = buffer };
        }

        gl.BindBuffer(BufferTargetARB.PixelPackBuffer, 0);
    }

    /// <summary>Frame width in pixels.</summary>
    public int Width { get; }

    /// <summary>Frame height in pixels.</summary>
    public int Height { get; }

    /// <summary>Read-backs requested and not yet handed to a consumer.</summary>
    public int InFlight
    {
        get
        {
            int n = 0;
            foreach (Slot slot in _slots)
            {
                n += slot.Fence != 0 ? 1 : 0;
            }

            return n;
        }
    }

    /// <summary>True when a request would be queued now.</summary>
    public bool HasFreeSlot
    {
        get
        {
            foreach (Slot slot in _slots)
            {
                if (slot.Fence == 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Requests a read-back of <paramref name="framebuffer"/>'s colour; false (and nothing queued) when every slot is busy.</summary>
    public unsafe bool TryRequest(uint framebuffer, object? tag)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (Slot slot in _slots)
        {
            if (slot.Fence != 0)
            {
                continue;
            }

            _gl.BindFramebuffer(FramebufferTarget.ReadFramebuffer, framebuffer);
            _gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
            _gl.BindBuffer(BufferTargetARB.PixelPackBuffer, slot.Buffer);
            _gl.ReadPixels(0, 0, (uint)Width, (uint)Height, PixelFormat.Rgba, PixelType.UnsignedByte, null);
            _gl.BindBuffer(BufferTargetARB.PixelPackBuffer, 0);
            slot.Fence = _gl.FenceSync(SyncCondition.SyncGpuCommandsComplete, SyncBehaviorFlags.None);
            slot.Tag = tag;
            slot.Sequence = ++_sequence;
            return true;
        }

        return false;
    }

    /// <summary>Hands every read-back whose fence has signalled to <paramref name="consumer"/>, oldest first; never waits.</summary>
    /// <returns>How many were handed over.</returns>
    public int Poll(Consumer consumer) => Drain(consumer, wait: false);

    /// <summary>Waits for every outstanding read-back and hands it over: for the end of a run, not inside frames.</summary>
    public int Flush(Consumer consumer) => Drain(consumer, wait: true);

    private unsafe int Drain(Consumer consumer, bool wait)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ObjectDisposedException.ThrowIf(_disposed, this);
        int handed = 0;
        while (Oldest() is { } slot)
        {
            ulong timeout = wait ? ulong.MaxValue : 0;
            GLEnum status = _gl.ClientWaitSync(slot.Fence, SyncObjectMask.Bit, timeout);
            if (status is not (GLEnum.AlreadySignaled or GLEnum.ConditionSatisfied))
            {
                break;
            }

            _gl.DeleteSync(slot.Fence);
            slot.Fence = 0;
            object? tag = slot.Tag;
            slot.Tag = null;
            _gl.BindBuffer(BufferTargetARB.PixelPackBuffer, slot.Buffer);
            int bytes = Width * Height * 4;
            void* mapped = _gl.MapBufferRange(BufferTargetARB.PixelPackBuffer, 0, (nuint)bytes, MapBufferAccessMask.ReadBit);
            try
            {
                if (mapped is null)
                {
                    throw new InvalidOperationException($"glMapBufferRange of a {bytes}-byte pixel-pack buffer failed (GL error {_gl.GetError()}).");
                }

                consumer(new ReadOnlySpan<byte>(mapped, bytes), Width, Height, tag);
            }
            finally
            {
                if (mapped is not null)
                {
                    _gl.UnmapBuffer(BufferTargetARB.PixelPackBuffer);
                }

                _gl.BindBuffer(BufferTargetARB.PixelPackBuffer, 0);
            }

            handed++;
        }

        return handed;
    }

    private Slot? Oldest()
    {
        Slot? oldest = null;
        foreach (Slot slot in _slots)
        {
            if (slot.Fence != 0 && (oldest is null || slot.Sequence < oldest.Sequence))
            {
                oldest = slot;
            }
        }

        return oldest;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_thread.CheckDisposeThread(nameof(FrameReadback)))
        {
            return;
        }

        foreach (Slot slot in _slots)
        {
            if (slot.Fence != 0)
            {
                _gl.DeleteSync(slot.Fence);
            }

            _gl.DeleteBuffer(slot.Buffer);
        }
    }

    private sealed class Slot
    {
        public uint Buffer;
        public nint Fence;
        public object? Tag;
        public long Sequence;
    }
}
