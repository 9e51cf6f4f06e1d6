using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.Components;

/// <summary>The entity's generated texture, by handle into the plugin's <see cref="ITextureSink"/>.</summary>
/// <param name="Handle">Look the texture up with <see cref="ITextureSink.GetTexture"/>; it has none before the
/// first image arrives.</param>
public readonly record struct GeneratedTexture(StreamedTextureHandle Handle);
