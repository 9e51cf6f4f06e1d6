using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Streaming;
using RealtimeGen.Tests.Plugin.Pipeline;

namespace RealtimeGen.Tests.Plugin.Generation;

/// <summary>
/// An <see cref="IGenerationOutput"/> with one <see cref="CpuPlanarRoute"/> and tightly packed slots: each call of
/// <see cref="TryBeginRouteWrite"/> answers what <paramref name="script"/> says for that call (Begun only if the route
/// is free), and records the images published through either path as RGBA8.
/// </summary>
internal sealed class RoutedOutput(CpuPlanarRoute route, int width, int height, Func<int, RouteWriteStatus> script) : IGenerationOutput
{
    private readonly List<byte[]> _memory = [];
    private int _calls;

    public List<(bool Route, byte[] Rgba)> Previews { get; } = [];

    public (bool Route, byte[] Rgba)? Final { get; private set; }

    public List<ExecutionProvider> Producers { get; } = [];

    public int SlotReleases { get; private set; }

    public bool HasRoutes => true;

    public bool WantsPreview(int stepsDone, int steps) => true;

    public StagingSlot? TryAcquirePreviewSlot() => NewSlot();

    public StagingSlot AcquireFinalSlot(CancellationToken cancellationToken) => NewSlot();

    public Span<byte> FinalImageCopy(int byteCount) => [];

    public RouteWriteStatus TryBeginRouteWrite(ExecutionProvider producer, out IGpuOutputRoute? begun)
    {
        Producers.Add(producer);
        RouteWriteStatus status = script(_calls++);
        begun = status == RouteWriteStatus.Begun && route.TryBeginWrite(width, height) ? route : null;
        return begun is null && status == RouteWriteStatus.Begun ? RouteWriteStatus.Busy : status;
    }

    public void PublishPreview(StagingSlot slot, int stepsDone, int steps) => Previews.Add((false, _memory[slot.Index].ToArray()));

    public void PublishFinal(StagingSlot slot, int steps) => Final = (false, _memory[slot.Index].ToArray());

    public void PublishPreview(IGpuOutputRoute written, int stepsDone, int steps)
    {
        Previews.Add((true, PlanarOutputTests.PlanarToRgba(route.Planar, width, height)));
        _ = route.Latch();
    }

    public void PublishFinal(IGpuOutputRoute written, int steps)
    {
        Final = (true, PlanarOutputTests.PlanarToRgba(route.Planar, width, height));
        _ = route.Latch();
    }

    public void Release(StagingSlot slot) => SlotReleases++;

    private unsafe StagingSlot NewSlot()
    {
        byte[] memory = GC.AllocateArray<byte>(width * height * 4, pinned: true);
        _memory.Add(memory);
        fixed (byte* address = memory)
        {
            return new StagingSlot(_memory.Count - 1, (nint)address, memory.Length);
        }
    }
}
