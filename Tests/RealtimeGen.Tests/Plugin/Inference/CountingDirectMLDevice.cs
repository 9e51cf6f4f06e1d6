using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Plugin.Inference;

namespace RealtimeGen.Tests.Plugin.Inference;

/// <summary>A DirectML device that only counts the sessions asking for it (no D3D12 here).</summary>
internal sealed class CountingDirectMLDevice : IDirectMLDevice
{
    public int Appended { get; private set; }

    public void AppendExecutionProvider(SessionOptions options) => Appended++;
}
