using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Plugin.Assets;

/// <summary>One asset of a <see cref="BakeManifest"/>.</summary>
/// <param name="Name">Output file stem (letters, digits, '.', '_' and '-').</param>
/// <param name="Line">1-based line of the asset's object in the manifest, for messages.</param>
/// <param name="Request">What to generate (batch 1; without the init image, which is loaded when baking).</param>
/// <param name="InitImagePath">Full path of the img2img start image, or null.</param>
public sealed record BakeAsset(string Name, int Line, GenerationRequest Request, string? InitImagePath);
