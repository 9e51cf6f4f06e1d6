using Microsoft.ML.OnnxRuntime;

namespace RealtimeGen.Plugin.Inference;

/// <summary>
/// A D3D12 device and queue of the caller's that DirectML sessions run on, so that their inputs and outputs can be
/// bound to D3D12 resources made on the same device (GPU memory shared with the renderer). Set it in
/// <see cref="InferenceOptions.DirectMLDevice"/>; the owner keeps it alive until every session made with it is disposed.
/// </summary>
public interface IDirectMLDevice
{
    /// <summary>Appends ONNX Runtime's DirectML provider running on this device and queue to <paramref name="options"/>.</summary>
    /// <exception cref="Engine.RealtimeGenException">The installed ONNX Runtime has no DirectML provider.</exception>
    void AppendExecutionProvider(SessionOptions options);
}
