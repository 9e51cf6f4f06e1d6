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
/// images that GL imports (<see cref="ExternalMemoryTextureSink"/>). In the steady state a worker writes each image
/// straight into a free image of its texture's ring (zero-copy); a dedicated writer thread publishes it, and the render
/// thread latches the newest frame and copies it GPU to GPU (glCopyImageSubData) into the handle's ordinary
/// <see cref="Texture2D"/>, which materials sample. The render thread copies no pixels on the CPU and never waits.
/// </summary>
/// <remarks>
/// <para>Two paths. Direct (zero-copy): when a worker asks with its target
/// (<see cref="TryAcquireSlot(StreamedTextureHandle, int, int, out StagingSlot?)"/>) and that texture already has a ring
/// of the image's size with a free image, the slot it gets is that image's mapped memory at the Vulkan row pitch, so
/// the pipeline's RGBA conversion of the decoder output writes the shared memory itself and <see cref="Submit"/> only
/// publishes. Copy: a texture's first image of a size (no ring yet: rings are made on the render thread, where GL
/// imports them), a ring with no free image, or a caller that names no target gets a scratch slot of native memory,
/// which the writer copies into the ring (<see cref="CopiedBytes"/> counts it). A direct slot pins its ring until it is
/// published or dropped, so a released or resized texture's ring is disposed only after that.</para>
/// <para>Threads: the slot methods are safe on any thread; everything else belongs to the render thread (create,
/// submit, upload, end frame, dispose). A ring is created on the render thread in <see cref="Upload"/> when a
/// handle's first image, or an image of a new size, arrives; it is retired on release, resize or dispose, and
/// disposed after the frame once the writer and every worker holding one of its images have let go of it (checked
/// without waiting; otherwise the next frame). Acquiring a direct slot is CPU and atomics only (a lookup in a
/// handle → ring table the render thread publishes, a pin, a compare-exchange on the ring image's state): workers
/// never touch GL. Direct images are published by the writer thread, in submission order with copied ones, so the
/// newest image always wins.</para>
/// <para>Semantics follow <see cref="TextureStreamer"/>: only the newest image of a texture is written; a texture is
/// reported in <see cref="ReplacedTextures"/> when its <see cref="Texture2D"/> is created or replaced (first frame,
/// new size); mipmaps are regenerated after each frame when the options ask for them. The upload budget does not
/// apply: the render thread's per-image cost is one GPU copy. After warm-up a frame allocates nothing.</para>
/// </remarks>
public sealed class ExternalMemoryStreamer : ITextureSink
{
    /// <summary>Images per ring: one shown, one retiring behind its fence, one for the writer or a worker.</summary>
    private const int RingImages = 3;

    private readonly GL _gl;
    private readonly TextureSinkSelection _selection;
    private readonly bool _ownsSelection;
    private readonly TextureStreamerOptions _options;
    private readonly ILogger? _logger;
    private readonly int _renderThread = Environment.CurrentManagedThreadId;
    private readonly StagingSlotPool _slots;
    // Lock-free on purpose: workers and the writer give slots back while the render thread takes none of them.
    private PendingUpload[] _pending;
    private readonly List<StreamedTextureEntry> _entries = [];
    private readonly Stack<int> _freeHandles = new();
    private readonly List<StreamedTextureHandle> _replaced = [];
    private readonly List<Texture2D> _retiredTextures = [];
    private readonly List<StreamedRing> _retiredRings = [];
    private readonly ExternalMemoryWriter _writer;
    // Handle index → live ring, for workers: replaced (never resized in place) when handles outgrow it.
    private StreamedRing?[] _liveRings = new StreamedRing?[4];
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

        _writer = new ExternalMemoryWriter(options.SlotCount + RingImages, DropSlot);
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

    /// <summary>Images published through the copy path (scratch slot → shared memory on the writer thread).</summary>
    public long CopiedImages => _writer.CopiedImages;

    /// <summary>Pixel bytes copied on the CPU by this sink: width·height·4 per <see cref="CopiedImages"/>. In the steady
    /// state (direct slots) it stays where it is.</summary>
    public long CopiedBytes => _writer.CopiedBytes;

    /// <summary>Images published that a worker had written straight into shared memory (direct slots, no CPU copy).</summary>
    public long DirectImages => _writer.DirectImages;

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
    /// <remarks>A direct slot (an image of the target's ring) when the target has a ring of this size with a free image;
    /// otherwise a scratch slot. Any thread; CPU and atomics only.</remarks>
    public bool TryAcquireSlot(StreamedTextureHandle target, int width, int height, [NotNullWhen(true)] out StagingSlot? slot)
    {
        if (target.IsValid && !Volatile.Read(ref _disposed) && (long)width * height * 4 <= SlotBytes)
        {
            StreamedRing?[] rings = Volatile.Read(ref _liveRings);
            if (target.Index < rings.Length && Volatile.Read(ref rings[target.Index]) is { } ring && ring.Handle == target
                && ring.Sink.Width == width && ring.Sink.Height == height && ring.TryAcquireDirect(out slot))
            {
                return true;
            }
        }

        return _slots.TryAcquire(out slot);
    }

    /// <inheritdoc/>
    public StagingSlot AcquireSlot(CancellationToken cancellationToken) => _slots.Acquire(cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The slot is another sink's.</exception>
    /// <exception cref="InvalidOperationException">A direct slot given back (or submitted) twice.</exception>
    public void ReleaseSlot(StagingSlot slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        if (slot.Owner is DirectSlot direct)
        {
            TakeBack(direct);
            direct.Ring.CancelDirect(direct);
            return;
        }

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
        if (_entries.Count > _liveRings.Length)
        {
            var grown = new StreamedRing?[_liveRings.Length * 2];
            _liveRings.CopyTo(grown, 0);
            Volatile.Write(ref _liveRings, grown);
        }

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
    /// <exception cref="ArgumentException">The slot is another sink's, or a direct slot is submitted to another
    /// texture or at another size than it was acquired for; the caller keeps the slot.</exception>
    /// <exception cref="InvalidOperationException">A direct slot submitted (or given back) twice.</exception>
    public void Submit(StagingSlot slot, StreamedTextureHandle target, int width, int height)
    {
        CheckRenderThread();
        ArgumentNullException.ThrowIfNull(slot);
        if (width < 1 || height < 1 || (long)width * height * 4 > SlotBytes)
        {
            throw new ArgumentOutOfRangeException(
                nameof(width), $"Expected an image of at most {SlotBytes} bytes of RGBA8; found {width}×{height}.");
        }

        if (slot.Owner is DirectSlot direct)
        {
            if (direct.Ring.Handle != target || slot.BoundWidth != width || slot.BoundHeight != height)
            {
                throw new ArgumentException(
                    $"The slot is an image of texture {direct.Ring.Handle} at {slot.BoundWidth}×{slot.BoundHeight}; " +
                    $"it was submitted to {target} at {width}×{height}. Acquire it for the texture and size it goes to.", nameof(slot));
            }

            TakeBack(direct);
        }
        else
        {
            _slots.CheckOwn(slot);
        }

        long sequence = ++_sequence;
        if (IsCurrent(target))
        {
            _entries[target.Index].LatestSubmission = sequence;
        }

        if (_pendingCount == _pending.Length)
        {
            // Scratch slots plus reserved ring images: more in flight than ever before (many textures at once).
            Array.Resize(ref _pending, _pending.Length * 2);
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

    /// <summary>
    /// Stops the writer, then deletes textures, rings and slot memory (render thread, after the workers stopped). A
    /// worker that still holds a direct slot is waited for (up to <see cref="PinPatience"/>) so that it never writes into
    /// a freed ring; past that, the rings it pins (and an owned selection) are left undisposed and logged, never freed
    /// under the worker.
    /// </summary>
    public unsafe void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        CheckRenderThread();
        Volatile.Write(ref _disposed, true);
        _writer.Dispose();
        for (int i = 0; i < _pendingCount; i++)
        {
            DropSlot(_pending[i].Slot);
            _pending[i] = default;
        }

        _pendingCount = 0;
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
        bool allDisposed = DisposeRetiredRings(waitForWriter: true);
        NativeMemory.AlignedFree(_memory);
        _memory = null;
        if (_ownsSelection && allDisposed)
        {
            _selection.Dispose();
        }
    }

    /// <summary>How long <see cref="Dispose"/> waits for workers to give back direct slots.</summary>
    public static TimeSpan PinPatience { get; } = TimeSpan.FromSeconds(10);

    private void HandOverPending()
    {
        for (int i = 0; i < _pendingCount; i++)
        {
            PendingUpload next = _pending[i];
            _pending[i] = default;
            if (!IsCurrent(next.Target) || _entries[next.Target.Index].LatestSubmission != next.Sequence)
            {
                // Released texture, or a newer image of it is queued: never written.
                DropSlot(next.Slot);
                continue;
            }

            StreamedTextureEntry entry = _entries[next.Target.Index];
            StreamedRing? ring = next.Slot.Owner is DirectSlot direct
                ? (ReferenceEquals(entry.Ring, direct.Ring) ? direct.Ring : null)
                : RingOfSize(entry, next.Target, next.Width, next.Height);
            if (ring is null)
            {
                // No ring could be made, or the direct slot's ring was retired meanwhile.
                DropSlot(next.Slot);
                continue;
            }

            Volatile.Write(ref ring.LatestSequence, next.Sequence);
            _writer.Enqueue(new RingWrite(next.Slot, ring, next.Sequence));
        }

        _pendingCount = 0;
    }

    private StreamedRing? RingOfSize(StreamedTextureEntry entry, StreamedTextureHandle handle, int width, int height)
    {
        if (entry.Ring is { } ring && ring.Sink.Width == width && ring.Sink.Height == height)
        {
            return ring;
        }

        // The old ring's latched frame is already in the texture, which stays until the new size's first frame.
        RetireRing(entry);
        try
        {
            entry.Ring = new StreamedRing(new ExternalMemoryTextureSink(_selection, width, height, RingImages), handle, this);
        }
        catch (RealtimeGenException exception)
        {
            if (_logger is not null)
            {
                ExternalMemoryLog.RingFailed(_logger, width, height, exception.Message);
            }

            return null;
        }

        // Workers may now reserve its images for the handle's next images of this size.
        Volatile.Write(ref _liveRings[handle.Index], entry.Ring);
        return entry.Ring;
    }

    private void RetireRing(StreamedTextureEntry entry)
    {
        if (entry.Ring is { } ring)
        {
            Volatile.Write(ref _liveRings[ring.Handle.Index], null);
            ring.Retire();
            _retiredRings.Add(ring);
            entry.Ring = null;
        }
    }

    // Any thread: the caller held a direct slot; from here the streamer does.
    private void TakeBack(DirectSlot direct)
    {
        if (!ReferenceEquals(direct.Ring.Owner, this))
        {
            throw new ArgumentException("The slot belongs to another sink.", nameof(direct));
        }

        if (Interlocked.Exchange(ref direct.Held, 0) != 1)
        {
            throw new InvalidOperationException("The direct slot was already submitted or given back.");
        }
    }

    // Gives back a slot the streamer holds (queued, dropped or left at dispose): scratch to the pool; a direct slot's
    // ring image unreserved and its ring unpinned.
    private void DropSlot(StagingSlot slot)
    {
        if (slot.Owner is DirectSlot direct)
        {
            direct.Ring.CancelDirect(direct);
            return;
        }

        _slots.Release(slot);
    }

    // True when every retired ring was disposed.
    private bool DisposeRetiredRings(bool waitForWriter)
    {
        long deadline = Environment.TickCount64 + (long)PinPatience.TotalMilliseconds;
        bool all = true;
        for (int i = _retiredRings.Count - 1; i >= 0; i--)
        {
            StreamedRing ring = _retiredRings[i];

            // A worker still writes into one of its images (a direct slot): not before it lets go.
            if (Volatile.Read(ref ring.Pins) != 0)
            {
                if (!waitForWriter || !WaitForPins(ring, deadline))
                {
                    all = false;
                    continue;
                }
            }

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

        return all;
    }

    // Dispose only: a worker holding a direct slot submits or releases it soon, or the service stops it.
    private bool WaitForPins(StreamedRing ring, long deadline)
    {
        while (Volatile.Read(ref ring.Pins) != 0)
        {
            if (Environment.TickCount64 > deadline)
            {
                if (_logger is not null)
                {
                    ExternalMemoryLog.RingLeftPinned(_logger, ring.Sink.Width, ring.Sink.Height, Volatile.Read(ref ring.Pins));
                }

                return false;
            }

            Thread.Sleep(1);
        }

        return true;
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
