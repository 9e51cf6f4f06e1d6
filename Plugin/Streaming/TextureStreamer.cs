using System.Diagnostics.CodeAnalysis;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Rendering;
using Silk.NET.OpenGL;

namespace RealtimeGen.Plugin.Streaming;

/// <summary>
/// Streams generated images into textures through a ring of persistent-mapped pixel-unpack buffer regions
/// (staging slots): workers write into mapped memory, the render thread copies slot → texture on the GPU
/// (glTexSubImage2D from the buffer), fences the copy, and recycles the slot once the fence has signalled.
/// </summary>
/// <remarks>
/// Create, update and dispose on the render (GL) thread; only the slot methods may be called from workers. The
/// render thread never waits: fences are polled with a zero timeout, uploads stop at the per-frame byte budget,
/// and only the newest queued image of a texture is uploaded. After warm-up a frame allocates nothing. Dispose only
/// once no worker holds a slot (the plugin stops its workers first).
/// </remarks>
public sealed class TextureStreamer : ITextureSink
{
    private readonly GL _gl;
    private readonly IUploadFences _fences;
    private readonly TextureStreamerOptions _options;
    private readonly int _renderThread = Environment.CurrentManagedThreadId;
    private readonly StagingSlotPool _slots;
    // Lock-free on purpose: a low-priority worker preempted inside a lock would stall the render thread.
    private readonly PendingUpload[] _pending;
    private readonly int[] _inFlight;
    private readonly nint[] _slotFence;
    private readonly StreamedTextureHandle[] _replaced;
    private readonly List<Texture2D?> _textures = [];
    private readonly List<int> _generations = [];
    private readonly List<long> _latestSubmission = [];
    private readonly Stack<int> _freeHandles = new();
    private readonly List<Texture2D> _retired = [];
    private uint _buffer;
    private int _pendingHead;
    private int _pendingCount;
    private int _inFlightCount;
    private int _replacedCount;
    private long _sequence;

    /// <summary>Creates the slot ring: one GL buffer, persistently mapped for writing.</summary>
    /// <exception cref="RealtimeGenException">The driver cannot map the buffer persistently (needs GL 4.4 buffer storage).</exception>
    public TextureStreamer(GL gl, TextureStreamerOptions? options = null)
        : this(gl, options ?? new TextureStreamerOptions(), new GlUploadFences(gl))
    {
    }

    internal unsafe TextureStreamer(GL gl, TextureStreamerOptions options, IUploadFences fences)
    {
        ArgumentNullException.ThrowIfNull(gl);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SlotCount, 2, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SlotBytes, 4, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.UploadBudgetBytes, nameof(options));
        _gl = gl;
        _options = options;
        _fences = fences;
        long total = (long)options.SlotCount * options.SlotBytes;
        if (total > int.MaxValue)
        {
            throw new RealtimeGenException(
                $"Expected staging slots of at most 2 GiB in all; {options.SlotCount} slots of {options.SlotBytes} bytes is {total}.");
        }

        const BufferStorageMask Storage = BufferStorageMask.MapWriteBit | BufferStorageMask.MapPersistentBit | BufferStorageMask.MapCoherentBit;
        const MapBufferAccessMask Access = MapBufferAccessMask.WriteBit | MapBufferAccessMask.PersistentBit | MapBufferAccessMask.CoherentBit;
        _buffer = gl.CreateBuffer();
        gl.NamedBufferStorage(_buffer, (nuint)total, null, Storage);
        void* mapped = gl.MapNamedBufferRange(_buffer, 0, (nuint)total, Access);
        if (mapped is null)
        {
            gl.DeleteBuffer(_buffer);
            throw new RealtimeGenException(
                $"Could not map a {total}-byte pixel-unpack buffer persistently (GL error {gl.GetError()}); texture " +
                "streaming needs OpenGL 4.4 buffer storage with persistent, coherent mapping.");
        }

        _slotFence = new nint[options.SlotCount];
        _inFlight = new int[options.SlotCount];
        _pending = new PendingUpload[options.SlotCount];
        _replaced = new StreamedTextureHandle[options.SlotCount];
        _slots = new StagingSlotPool((nint)mapped, options.SlotCount, options.SlotBytes);
    }

    /// <inheritdoc/>
    public int SlotBytes => _options.SlotBytes;

    /// <summary>Slots in the ring.</summary>
    public int SlotCount => _slots.Count;

    /// <summary>Slots neither held by a writer, nor queued, nor waiting for their fence.</summary>
    public int FreeSlotCount => _slots.FreeCount;

    /// <summary>Images queued for upload.</summary>
    public int PendingCount => _pendingCount;

    /// <summary>Slots uploaded whose fence has not signalled yet.</summary>
    public int InFlightCount => _inFlightCount;

    /// <summary>Bytes uploaded by the last <see cref="Upload"/>.</summary>
    public int LastUploadBytes { get; private set; }

    /// <inheritdoc/>
    public ReadOnlySpan<StreamedTextureHandle> ReplacedTextures => _replaced.AsSpan(0, _replacedCount);

    /// <inheritdoc/>
    public bool TryAcquireSlot([NotNullWhen(true)] out StagingSlot? slot) => _slots.TryAcquire(out slot);

    /// <inheritdoc/>
    /// <remarks>Every slot is a region of the one pixel-unpack buffer, tightly packed: the target does not matter.</remarks>
    public bool TryAcquireSlot(StreamedTextureHandle target, int width, int height, [NotNullWhen(true)] out StagingSlot? slot) =>
        _slots.TryAcquire(out slot);

    /// <inheritdoc/>
    public StagingSlot AcquireSlot(CancellationToken cancellationToken) => _slots.Acquire(cancellationToken);

    /// <inheritdoc/>
    public void ReleaseSlot(StagingSlot slot)
    {
        _slots.Release(slot);
    }

    /// <inheritdoc/>
    public StreamedTextureHandle CreateTexture()
    {
        CheckRenderThread();
        if (_freeHandles.TryPop(out int index))
        {
            return new StreamedTextureHandle(index, _generations[index]);
        }

        _textures.Add(null);
        _generations.Add(0);
        _latestSubmission.Add(0);
        return new StreamedTextureHandle(_textures.Count - 1, 0);
    }

    /// <inheritdoc/>
    public void ReleaseTexture(StreamedTextureHandle handle)
    {
        CheckRenderThread();
        if (!IsCurrent(handle))
        {
            return;
        }

        int index = handle.Index;
        if (_textures[index] is { } texture)
        {
            _retired.Add(texture);
            _textures[index] = null;
        }

        _generations[index]++;
        _latestSubmission[index] = 0;
        _freeHandles.Push(index);
    }

    /// <inheritdoc/>
    public Texture2D? GetTexture(StreamedTextureHandle handle) => IsCurrent(handle) ? _textures[handle.Index] : null;

    /// <inheritdoc/>
    public void Submit(StagingSlot slot, StreamedTextureHandle target, int width, int height)
    {
        CheckRenderThread();
        _slots.CheckOwn(slot);
        if (width < 1 || height < 1 || (long)width * height * 4 > SlotBytes)
        {
            throw new ArgumentOutOfRangeException(
                nameof(width), $"Expected an image of at most {SlotBytes} bytes of RGBA8; found {width}×{height}.");
        }

        // Every queued image holds its own slot, so the queue (one entry per slot) cannot overflow.
        long sequence = ++_sequence;
        if (IsCurrent(target))
        {
            _latestSubmission[target.Index] = sequence;
        }

        _pending[(_pendingHead + _pendingCount) % _pending.Length] = new PendingUpload(slot, target, width, height, sequence);
        _pendingCount++;
    }

    /// <inheritdoc/>
    public void Upload()
    {
        CheckRenderThread();
        ObjectDisposedException.ThrowIf(_buffer == 0, this);
        _replacedCount = 0;
        RecycleSignalled();
        int uploaded = 0;
        while (_pendingCount > 0)
        {
            PendingUpload next = _pending[_pendingHead];
            int bytes = next.Width * next.Height * 4;
            if (uploaded > 0 && uploaded + bytes > _options.UploadBudgetBytes)
            {
                break;
            }

            _pending[_pendingHead] = default;
            _pendingHead = (_pendingHead + 1) % _pending.Length;
            _pendingCount--;
            StreamedTextureHandle target = next.Target;
            if (!IsCurrent(target) || _latestSubmission[target.Index] != next.Sequence)
            {
                // Released texture, or a newer image of it is queued: the GPU never saw this slot.
                _slots.Release(next.Slot);
                continue;
            }

            Texture2D texture = TextureOfSize(target, next.Width, next.Height);
            texture.UploadFromPixelBuffer(_buffer, (nint)next.Slot.Index * SlotBytes, 0, 0, next.Width, next.Height);
            if (_options.GenerateMipmaps)
            {
                texture.GenerateMipmaps();
            }

            _slotFence[next.Slot.Index] = _fences.Insert();
            _inFlight[_inFlightCount++] = next.Slot.Index;
            uploaded += bytes;
        }

        LastUploadBytes = uploaded;
    }

    /// <inheritdoc/>
    public void EndFrame()
    {
        CheckRenderThread();
        for (int i = 0; i < _retired.Count; i++)
        {
            _retired[i].Dispose();
        }

        _retired.Clear();
        RecycleSignalled();
    }

    /// <summary>Deletes the textures, fences and the buffer (render thread, after every worker has stopped).</summary>
    public void Dispose()
    {
        if (_buffer == 0)
        {
            return;
        }

        CheckRenderThread();
        for (int i = 0; i < _inFlightCount; i++)
        {
            _fences.Delete(_slotFence[_inFlight[i]]);
        }

        _inFlightCount = 0;
        foreach (Texture2D? texture in _textures)
        {
            texture?.Dispose();
        }

        foreach (Texture2D texture in _retired)
        {
            texture.Dispose();
        }

        _textures.Clear();
        _retired.Clear();
        _gl.UnmapNamedBuffer(_buffer);
        _gl.DeleteBuffer(_buffer);
        _buffer = 0;
    }

    private Texture2D TextureOfSize(StreamedTextureHandle target, int width, int height)
    {
        Texture2D? texture = _textures[target.Index];
        if (texture is not null && texture.Width == width && texture.Height == height)
        {
            return texture;
        }

        // Immutable storage cannot change size: make a new texture; the old one is still drawn this frame.
        if (texture is not null)
        {
            _retired.Add(texture);
        }

        texture = new Texture2D(_gl, width, height, _options.GenerateMipmaps ? 0 : 1);
        _textures[target.Index] = texture;
        _replaced[_replacedCount++] = target;
        return texture;
    }

    private void RecycleSignalled()
    {
        int kept = 0;
        for (int i = 0; i < _inFlightCount; i++)
        {
            int slot = _inFlight[i];
            if (_fences.IsSignalled(_slotFence[slot]))
            {
                _fences.Delete(_slotFence[slot]);
                _slotFence[slot] = 0;
                _slots.ReleaseAt(slot);
            }
            else
            {
                _inFlight[kept++] = slot;
            }
        }

        _inFlightCount = kept;
    }

    private bool IsCurrent(StreamedTextureHandle handle) =>
        handle.Index >= 0 && handle.Index < _generations.Count && _generations[handle.Index] == handle.Generation;

    private void CheckRenderThread()
    {
        if (Environment.CurrentManagedThreadId != _renderThread)
        {
            throw new InvalidOperationException(
                $"TextureStreamer is used on thread {Environment.CurrentManagedThreadId}; only its render thread " +
                $"({_renderThread}) may submit, upload and manage textures.");
        }
    }
}
