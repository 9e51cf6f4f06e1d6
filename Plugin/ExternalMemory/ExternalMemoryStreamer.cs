using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Streaming;
using Silk.NET.OpenGL;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>
/// An <see cref="ITextureSink"/> over shared GPU memory: each streamed texture gets its own ring of Vulkan-allocated
/// images that GL imports (<see cref="ExternalMemoryTextureSink"/>); a dedicated writer thread copies each submitted
/// image from its staging slot into the ring's mapped memory, and the render thread latches the newest frame and
/// copies it GPU to GPU (glCopyImageSubData) into the handle's ordinary <see cref="Texture2D"/>, which materials sample.
/// The render thread copies no pixels on the CPU and never waits.
/// </summary>
/// <remarks>
/// <para>Staging slots are native scratch memory owned by the streamer: <see cref="ITextureSink.Submit"/> names no
/// target when a worker acquires its slot, and the ring (and with it the row pitch) is known only once the image's
/// size reaches the render thread. The writer's copy from slot to ring is the one extra pass over the pixels.</para>
/// <para>Threads: the slot methods are safe on any thread; everything else belongs to the render thread (create,
/// submit, upload, end frame, dispose). A ring is created on the render thread in <see cref="Upload"/> when a
/// handle's first image, or an image of a new size, arrives; it is retired on release, resize or dispose, and
/// disposed after the frame once the writer has let go of it (taken without waiting; otherwise the next frame).</para>
/// <para>Semantics follow <see cref="TextureStreamer"/>: only the newest image of a texture is written; a texture is
/// reported in <see cref="ReplacedTextures"/> when its <see cref="Texture2D"/> is created or replaced (first frame,
/// new size); mipmaps are regenerated after each frame when the options ask for them. The upload budget does not
/// apply: the render thread's per-image cost is one GPU copy. After warm-up a frame allocates nothing.</para>
/// </remarks>
public sealed class ExternalMemoryStreamer : ITextureSink
{
    /// <summary>Images per ring: one shown, one retiring behind its fence, one for the writer.</summary>
    private const int RingImages = 3;

    private readonly GL _gl;
    private readonly TextureSinkSelection _selection;
    private readonly bool _ownsSelection;
    private readonly TextureStreamerOptions _options;
    private readonly ILogger? _logger;
    private readonly int _renderThread = Environment.CurrentManagedThreadId;
    private readonly StagingSlotPool _slots;
    // Lock-free on purpose: workers and the writer give slots back while the render thread takes none of them.
    private readonly PendingUpload[] _pending;
    private readonly List<StreamedTextureEntry> _entries = [];
    private readonly Stack<int> _freeHandles = new();
    private readonly List<StreamedTextureHandle> _replaced = [];
    private readonly List<Texture2D> _retiredTextures = [];
    private readonly List<StreamedRing> _retiredRings = [];
    private readonly ExternalMemoryWriter _writer;
    private unsafe void* _memory;
    private int _pendingCount;
    private long _sequence;
    private bool _disposed;

    /// <summary>Creates the slots and starts the writer thread (render thread, GL context current).</summary>
    /// <param name="selection">A selection with a Vulkan device that shares memory with GL
    /// (<see cref="TextureSinkKind.VulkanExternalMemory"/> or <see cref="TextureSinkKind.Cuda"/>).</param>
    /// <param name="options">Slot count and size, mipmaps; defaults when null.</param>
    /// <param name="ownsSelection">Whether <see cref="Dispose"/> disposes <paramref name="selection"/> (after the rings).</param>
    /// <param name="logger">Receives ring creation failures; none when null.</param>
    /// <exception cref="RealtimeGenException">The selection has no Vulkan device, or the slots do not fit in 2 GiB.</exception>
    public unsafe ExternalMemoryStreamer(
        TextureSinkSelection selection, TextureStreamerOptions? options = null, bool ownsSelection = false, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(selection);
        options ??= new TextureStreamerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SlotCount, 2, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SlotBytes, 4, nameof(options));
        if (selection.GlSupport is null || selection.Vulkan is null)
        {
            throw new RealtimeGenException(
                $"The external-memory streamer needs a selection with a Vulkan device; this one is {selection.Kind} ({selection.Reason}).");
        }

        long total = (long)options.SlotCount * options.SlotBytes;
        if (total > int.MaxValue)
        {
            throw new RealtimeGenException(
                $"Expected staging slots of at most 2 GiB in all; {options.SlotCount} slots of {options.SlotBytes} bytes is {total}.");
        }

        _gl = selection.GlSupport.Gl;
        _selection = selection;
        _ownsSelection = ownsSelection;
        _options = options;
        _logger = logger;
        _memory = NativeMemory.AlignedAlloc((nuint)total, 64);
        _pending = new PendingUpload[options.SlotCount];
        _slots = new StagingSlotPool((nint)_memory, options.SlotCount, options.SlotBytes);

        _writer = new ExternalMemoryWriter(options.SlotCount, ReleaseSlot);
    }

    /// <summary>The sink kind this streamer runs on (from its selection).</summary>
    public TextureSinkKind Kind => _selection.Kind;

    /// <summary>The selection whose Vulkan device allocates the rings.</summary>
    public TextureSinkSelection Selection => _selection;

    /// <summary>The handle's live ring, or null (for tests and diagnostics).</summary>
    internal ExternalMemoryTextureSink? RingOf(StreamedTextureHandle handle) => IsCurrent(handle) ? _entries[handle.Index].Ring?.Sink : null;

    /// <inheritdoc/>
    public int SlotBytes => _options.SlotBytes;

    /// <summary>Staging slots.</summary>
    public int SlotCount => _slots.Count;

    /// <summary>Slots neither held by a worker, nor queued, nor being copied by the writer.</summary>
    public int FreeSlotCount => _slots.FreeCount;

    /// <summary>Images submitted and not yet handed to the writer.</summary>
    public int PendingCount => _pendingCount;

    /// <summary>Rings alive: one per handle that has had an image, plus retired ones not yet disposed.</summary>
    public int RingCount
    {
        get
        {
            int count = _retiredRings.Count;
            foreach (StreamedTextureEntry entry in _entries)
            {
                count += entry.Ring is null ? 0 : 1;
            }

            return count;
        }
    }

    /// <summary>Images the writer published into shared memory.</summary>
    public long PublishedCount => _writer.PublishedCount;

    /// <summary>Images submitted so far: <see cref="Submit"/> numbers them 1, 2, … in call order.</summary>
    public long SubmissionCount => _sequence;

    /// <summary>
    /// The number (see <see cref="SubmissionCount"/>) of the image the handle's texture shows since the last
    /// <see cref="Upload"/>; 0 before its first (or for a released handle). Images reach the texture a frame or more
    /// after their submission (the writer copies them meanwhile), and an overtaken image never does: a caller that
    /// tracks what is on screen (e.g. the demo's contact sheet) counts submission k as shown once this is at least k.
    /// </summary>
    public long ShownSubmission(StreamedTextureHandle handle) => IsCurrent(handle) ? _entries[handle.Index].ShownSubmission : 0;

    /// <summary>Frames latched and copied into textures.</summary>
    public long LatchedCount { get; private set; }

    /// <inheritdoc/>
    public ReadOnlySpan<StreamedTextureHandle> ReplacedTextures => CollectionsMarshal.AsSpan(_replaced);

    /// <inheritdoc/>
    public bool TryAcquireSlot([NotNullWhen(true)] out StagingSlot? slot) => _slots.TryAcquire(out slot);

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
            return new StreamedTextureHandle(index, _entries[index].Generation);
        }

        _entries.Add(new StreamedTextureEntry());
        return new StreamedTextureHandle(_entries.Count - 1, 0);
    }

    /// <inheritdoc/>
    public void ReleaseTexture(StreamedTextureHandle handle)
    {
        CheckRenderThread();
        if (!IsCurrent(handle))
        {
            return;
        }

        StreamedTextureEntry entry = _entries[handle.Index];
        RetireRing(entry);
        if (entry.Texture is { } texture)
        {
            _retiredTextures.Add(texture);
            entry.Texture = null;
        }

        entry.Generation++;
        entry.LatestSubmission = 0;
        entry.ShownSubmission = 0;
        _freeHandles.Push(handle.Index);
    }

    /// <inheritdoc/>
    public Texture2D? GetTexture(StreamedTextureHandle handle) => IsCurrent(handle) ? _entries[handle.Index].Texture : null;

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
            _entries[target.Index].LatestSubmission = sequence;
        }

        _pending[_pendingCount++] = new PendingUpload(slot, target, width, height, sequence);
    }

    /// <inheritdoc/>
    public void Upload()
    {
        CheckRenderThread();
        ObjectDisposedException.ThrowIf(_disposed, this);
        _replaced.Clear();
        HandOverPending();
        for (int i = 0; i < _entries.Count; i++)
        {
            StreamedTextureEntry entry = _entries[i];
            if (entry.Ring is not { } ring || !ring.Sink.Latch())
            {
                continue;
            }

            long[] submissions = ring.SubmissionOfFrame;
            entry.ShownSubmission = submissions[ring.Sink.FrameNumber % submissions.Length];
            Texture2D texture = TextureOfSize(entry, i, ring.Sink.Width, ring.Sink.Height);
            _ = ring.Sink.CopyCurrentTo(texture);
            if (_options.GenerateMipmaps)
            {
                texture.GenerateMipmaps();
            }

            LatchedCount++;
        }
    }

    /// <inheritdoc/>
    public void EndFrame()
    {
        CheckRenderThread();
        for (int i = 0; i < _retiredTextures.Count; i++)
        {
            _retiredTextures[i].Dispose();
        }

        _retiredTextures.Clear();
        DisposeRetiredRings(waitForWriter: false);
    }

    /// <summary>Stops the writer, then deletes textures, rings and slot memory (render thread, after the workers stopped).</summary>
    public unsafe void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        CheckRenderThread();
        _disposed = true;
        _writer.Dispose();
        foreach (StreamedTextureEntry entry in _entries)
        {
            RetireRing(entry);
            entry.Texture?.Dispose();
            entry.Texture = null;
        }

        foreach (Texture2D texture in _retiredTextures)
        {
            texture.Dispose();
        }

        _retiredTextures.Clear();
        DisposeRetiredRings(waitForWriter: true);
        _pendingCount = 0;
        NativeMemory.AlignedFree(_memory);
        _memory = null;
        if (_ownsSelection)
        {
            _selection.Dispose();
        }
    }

    private void HandOverPending()
    {
        for (int i = 0; i < _pendingCount; i++)
        {
            PendingUpload next = _pending[i];
            _pending[i] = default;
            if (!IsCurrent(next.Target) || _entries[next.Target.Index].LatestSubmission != next.Sequence)
            {
                // Released texture, or a newer image of it is queued: never written.
                _slots.Release(next.Slot);
                continue;
            }

            if (RingOfSize(_entries[next.Target.Index], next.Width, next.Height) is not { } ring)
            {
                _slots.Release(next.Slot);
                continue;
            }

            Volatile.Write(ref ring.LatestSequence, next.Sequence);
            _writer.Enqueue(new RingWrite(next.Slot, ring, next.Sequence));
        }

        _pendingCount = 0;
    }

    private StreamedRing? RingOfSize(StreamedTextureEntry entry, int width, int height)
    {
        if (entry.Ring is { } ring && ring.Sink.Width == width && ring.Sink.Height == height)
        {
            return ring;
        }

        // The old ring's latched frame is already in the texture, which stays until the new size's first frame.
        RetireRing(entry);
        try
        {
            entry.Ring = new StreamedRing(new ExternalMemoryTextureSink(_selection, width, height, RingImages));
        }
        catch (RealtimeGenException exception)
        {
            if (_logger is not null)
            {
                ExternalMemoryLog.RingFailed(_logger, width, height, exception.Message);
            }

            return null;
        }

        return entry.Ring;
    }

    private void RetireRing(StreamedTextureEntry entry)
    {
        if (entry.Ring is { } ring)
        {
            Volatile.Write(ref ring.Retired, true);
            _retiredRings.Add(ring);
            entry.Ring = null;
        }
    }

    private void DisposeRetiredRings(bool waitForWriter)
    {
        for (int i = _retiredRings.Count - 1; i >= 0; i--)
        {
            StreamedRing ring = _retiredRings[i];

            // The writer holds the gate only while it copies into a live ring; once it is ours, it sees Retired.
            if (waitForWriter)
            {
                ring.Gate.Enter();
            }
            else if (!ring.Gate.TryEnter())
            {
                continue;
            }

            try
            {
                ring.Sink.Dispose();
            }
            finally
            {
                ring.Gate.Exit();
            }

            _retiredRings[i] = _retiredRings[^1];
            _retiredRings.RemoveAt(_retiredRings.Count - 1);
        }
    }

    private Texture2D TextureOfSize(StreamedTextureEntry entry, int index, int width, int height)
    {
        Texture2D? texture = entry.Texture;
        if (texture is not null && texture.Width == width && texture.Height == height)
        {
            return texture;
        }

        // Immutable storage cannot change size: a new texture; the old one is still drawn this frame.
        if (texture is not null)
        {
            _retiredTextures.Add(texture);
        }

        texture = new Texture2D(_gl, width, height, _options.GenerateMipmaps ? 0 : 1);
        entry.Texture = texture;
        _replaced.Add(new StreamedTextureHandle(index, entry.Generation));
        return texture;
    }

    private bool IsCurrent(StreamedTextureHandle handle) =>
        handle.Index >= 0 && handle.Index < _entries.Count && _entries[handle.Index].Generation == handle.Generation;

    private void CheckRenderThread()
    {
        if (Environment.CurrentManagedThreadId != _renderThread)
        {
            throw new InvalidOperationException(
                $"ExternalMemoryStreamer is used on thread {Environment.CurrentManagedThreadId}; only its render thread " +
                $"({_renderThread}) may submit, upload and manage textures.");
        }
    }
}
