namespace RealtimeGen.Plugin.Inference;

/// <summary>Which ONNX Runtime execution provider runs the model parts.</summary>
public enum ExecutionProvider
{
    /// <summary>DirectML on Windows when present, then CUDA, then CPU; the choice is logged.</summary>
    Auto,

    /// <summary>ONNX Runtime's CPU provider, always present.</summary>
    Cpu,

    /// <summary>NVIDIA CUDA (package Microsoft.ML.OnnxRuntime.Gpu).</summary>
    Cuda,

    /// <summary>DirectML on Windows (package Microsoft.ML.OnnxRuntime.DirectML).</summary>
    DirectML,
}
