using Microsoft.ML.OnnxRuntime;

namespace RealtimeGen.Plugin.Inference;

/// <summary>How sessions are created for a model package.</summary>
public sealed record InferenceOptions
{
    /// <summary>Execution provider; <see cref="ExecutionProvider.Auto"/> picks the best available.</summary>
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Auto;

    /// <summary>Threads one session may use inside an operator. The default leaves one core for the frame.</summary>
    public int IntraOpThreads { get; init; } = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>ONNX Runtime graph optimisation level.</summary>
    public GraphOptimizationLevel GraphOptimization { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>
    /// Folder for optimised models; when set, each part's optimised graph is saved there on first load and
    /// loaded from there afterwards (keyed by provider, level, and the source file's size and time). Null: off.
    /// </summary>
    public string? OptimizedModelCacheDirectory { get; init; }

    /// <summary>GPU index for CUDA and DirectML.</summary>
    public int DeviceId { get; init; }

    /// <summary>
    /// The D3D12 device DirectML sessions run on; when set, DirectML sessions use it instead of making their own (on
    /// <see cref="DeviceId"/>), so that their outputs can be bound to buffers shared on that device. Ignored by other
    /// providers. Null (the default): ONNX Runtime makes the device.
    /// </summary>
    public IDirectMLDevice? DirectMLDevice { get; init; }
}
