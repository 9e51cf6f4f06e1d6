namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>Fills one frame: tightly packed RGBA8 rows, top row first (what <c>LcmPipeline.Generate</c> writes).</summary>
/// <typeparam name="TState">What the writer needs (e.g. the pipeline and request), passed without a closure.</typeparam>
public delegate void RgbaFrameWriter<in TState>(TState state, Span<byte> rgba);
