using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>An image in a staging slot that the writer thread copies into a ring's shared memory.</summary>
/// <param name="Slot">Holds the image, tightly packed RGBA8 of the ring's size.</param>
/// <param name="Ring">Where it goes.</param>
/// <param name="Sequence">The streamer's submission number; the writer drops it when the ring has a newer one.</param>
internal readonly record struct RingWrite(StagingSlot Slot, StreamedRing Ring, long Sequence);
