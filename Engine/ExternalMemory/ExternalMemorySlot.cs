namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>
/// One image of an <see cref="ExternalMemoryTexture"/>: Vulkan memory, the GL texture over it, and the state that
/// says which side may touch it. Owned by the texture; the state moves Free → Writing → Ready (producer) and
/// Ready → Displayed → Retiring → Free (render thread), or Ready → Free when a newer frame overtakes it.
/// </summary>
internal sealed class ExternalMemorySlot(VulkanExportedImage image, GlMemoryObject memory, GlExternalTexture texture)
{
    public const int Free = 0;
    public const int Writing = 1;
    public const int Ready = 2;
    public const int Displayed = 3;
    public const int Retiring = 4;

    /// <summary>One of the constants above; read and written with Volatile/Interlocked, it publishes the pixels.</summary>
    public int State;

    /// <summary>Frame number given when the producer published the slot; larger is newer.</summary>
    public long Sequence;

    /// <summary>GL fence after the last commands that sampled the slot, while Retiring; 0 otherwise.</summary>
    public nint Fence;

    public VulkanExportedImage Image { get; } = image;

    public GlMemoryObject Memory { get; } = memory;

    public GlExternalTexture Texture { get; } = texture;
}
