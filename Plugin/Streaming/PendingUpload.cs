namespace RealtimeGen.Plugin.Streaming;

/// <summary>An image in a staging slot waiting for its upload.</summary>
internal readonly record struct PendingUpload(StagingSlot Slot, StreamedTextureHandle Target, int Width, int Height, long Sequence);
