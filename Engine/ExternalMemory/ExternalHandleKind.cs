namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>How memory or a semaphore shared between APIs is handed over.</summary>
public enum ExternalHandleKind
{
    /// <summary>A POSIX file descriptor from Vulkan (VK_KHR_external_memory_fd); GL takes ownership on import.</summary>
    OpaqueFd,

    /// <summary>An NT handle to Vulkan or D3D11 memory (opaque Win32); the importer does not take ownership.</summary>
    OpaqueWin32,

    /// <summary>An NT handle to a shared D3D12 resource (the DirectML route).</summary>
    D3D12Resource,
}
