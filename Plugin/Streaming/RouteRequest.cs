namespace RealtimeGen.Plugin.Streaming;

/// <summary>A worker's request for a texture's route of a size, served by the render thread.</summary>
internal readonly record struct RouteRequest(StreamedTextureHandle Handle, int Width, int Height);
