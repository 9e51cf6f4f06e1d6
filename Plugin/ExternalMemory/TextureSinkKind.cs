namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>How generated pixels reach the texture the renderer samples.</summary>
public enum TextureSinkKind
{
    /// <summary>The best route this machine has, falling back to <see cref="CpuStaging"/>; the choice is logged.</summary>
    Auto,

    /// <summary>The render thread uploads from CPU memory (pixel-unpack buffer); works everywhere.</summary>
    CpuStaging,

    /// <summary>Vulkan-allocated memory GL samples directly (GL_EXT_memory_object_fd on Linux, _win32 on Windows); the
    /// producer writes it mapped or on the Vulkan queue.</summary>
    VulkanExternalMemory,

    /// <summary>The Vulkan memory imported into CUDA, where ONNX Runtime's CUDA provider writes the decoder output (NVIDIA).</summary>
    Cuda,

    /// <summary>A shared D3D12 resource that ONNX Runtime's DirectML provider writes and GL imports (Windows).</summary>
    DirectML,
}
