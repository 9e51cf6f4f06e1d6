using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Tests.Plugin.Generation;

/// <summary>A sink over native memory without GL, for testing the service: slots only, no textures.</summary>
internal sealed unsafe class MemoryTextureSink : ITextureSink
{
    private readonly StagingSlot[] _slots;
    private readonly void* _memory;
    private readonly Lock _gate = new();
    private readonly Stack<StagingSlot> _free = new();
    private readonly SemaphoreSlim _available;

    public MemoryTextureSink(int slotCount, int slotBytes)
    {
        SlotBytes = slotBytes;
        _memory = NativeMemory.AllocZeroed((nuint)(slotCount * slotBytes));
        _slots = new StagingSlot[slotCount];
        for (int i = 0; i < slotCount; i++)
        {
            _slots[i] = new StagingSlot(i, (nint)_memory + (i * slotBytes), slotBytes);
            _free.Push(_slots[i]);
        }

        _available = new SemaphoreSlim(slotCount, slotCount);
    }

    public int SlotBytes { get; }

    public int FreeCount
    {
        get
        {
            lock (_gate)
            {
                return _free.Count;
            }
        }
    }

    public ReadOnlySpan<StreamedTextureHandle> ReplacedTextures => [];

    /// <summary>Targets and sizes workers asked for slots for, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(StreamedTextureHandle Target, int Width, int Height)> Asked { get; } = new();

    public bool TryAcquireSlot(StreamedTextureHandle target, int width, int height, [NotNullWhen(true)] out StagingSlot? slot)
    {
        Asked.Enqueue((target, width, height));
        return TryAcquireSlot(out slot);
    }

    public bool TryAcquireSlot([NotNullWhen(true)] out StagingSlot? slot)
    {
        slot = null;
        if (!_available.Wait(0))
        {
            return false;
        }

        lock (_gate)
        {
            slot = _free.Pop();
            return true;
        }
    }

    public StagingSlot AcquireSlot(CancellationToken cancellationToken)
    {
        _available.Wait(cancellationToken);
        lock (_gate)
        {
            return _free.Pop();
        }
    }

    public void ReleaseSlot(StagingSlot slot)
    {
        lock (_gate)
        {
            _free.Push(slot);
        }

        _available.Release();
    }

    public StreamedTextureHandle CreateTexture() => throw new NotSupportedException();

    public void ReleaseTexture(StreamedTextureHandle handle) => throw new NotSupportedException();

    public Texture2D? GetTexture(StreamedTextureHandle handle) => null;

    public void Submit(StagingSlot slot, StreamedTextureHandle target, int width, int height) => ReleaseSlot(slot);

    public void Upload()
    {
    }

    public void EndFrame()
    {
    }

    public void Dispose()
    {
        _available.Dispose();
        NativeMemory.Free(_memory);
    }
}
