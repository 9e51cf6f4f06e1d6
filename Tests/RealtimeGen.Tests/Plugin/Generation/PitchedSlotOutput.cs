using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Tests.Plugin.Generation;

/// <summary>
/// An <see cref="IGenerationOutput"/> whose slots are bound to one image size with padded rows, as an external-memory
/// sink's direct slots are: records what a backend wrote, tightly packed again, and checks the padding stays untouched.
/// </summary>
internal sealed class PitchedSlotOutput(int width, int height, int padding, bool keepsFinal) : IGenerationOutput
{
    public const byte PaddingByte = 0xA5;

    private readonly List<byte[]> _memory = [];
    private byte[]? _kept;

    public int Pitch => (width * 4) + padding;

    public List<byte[]> Previews { get; } = [];

    public byte[]? Final { get; private set; }

    public byte[]? Kept => _kept;

    public bool PaddingUntouched { get; private set; } = true;

    public bool WantsPreview(int stepsDone, int steps) => true;

    public StagingSlot? TryAcquirePreviewSlot() => NewSlot();

    public StagingSlot AcquireFinalSlot(CancellationToken cancellationToken) => NewSlot();

    public Span<byte> FinalImageCopy(int byteCount) => keepsFinal ? _kept ??= new byte[byteCount] : [];

    public void PublishPreview(StagingSlot slot, int stepsDone, int steps) => Previews.Add(Read(slot));

    public void PublishFinal(StagingSlot slot, int steps) => Final = Read(slot);

    public void Release(StagingSlot slot)
    {
    }

    private unsafe StagingSlot NewSlot()
    {
        // Pinned for the output's lifetime, like mapped memory.
        byte[] memory = GC.AllocateArray<byte>(((height - 1) * Pitch) + (width * 4), pinned: true);
        Array.Fill(memory, PaddingByte);
        _memory.Add(memory);
        fixed (byte* address = memory)
        {
            return new StagingSlot(_memory.Count - 1, (nint)address, width, height, Pitch, this);
        }
    }

    private byte[] Read(StagingSlot slot)
    {
        byte[] memory = _memory[slot.Index];
        var tight = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            memory.AsSpan(y * Pitch, width * 4).CopyTo(tight.AsSpan(y * width * 4));
            if (y < height - 1 && memory.AsSpan((y * Pitch) + (width * 4), padding).ContainsAnyExcept(PaddingByte))
            {
                PaddingUntouched = false;
            }
        }

        return tight;
    }
}
