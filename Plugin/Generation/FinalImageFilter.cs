namespace RealtimeGen.Plugin.Generation;

/// <summary>Changes a job's final RGBA8 image in place before it is published (e.g. embeds a watermark).</summary>
/// <param name="rgba">width·height·4 bytes, rows top first.</param>
/// <param name="width">Width in pixels.</param>
/// <param name="height">Height in pixels.</param>
public delegate void FinalImageFilter(Span<byte> rgba, int width, int height);
