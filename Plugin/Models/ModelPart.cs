namespace RealtimeGen.Plugin.Models;

/// <summary>One ONNX component of a package (text encoder, UNet, VAE decoder or encoder).</summary>
/// <param name="Name">The component folder name, e.g. <c>unet</c>.</param>
/// <param name="ModelPath">Absolute path of its <c>model.onnx</c>.</param>
/// <param name="ExternalDataFiles">Absolute paths of the external weight files it refers to, all checked
/// to lie inside the package folder.</param>
public sealed record ModelPart(string Name, string ModelPath, IReadOnlyList<string> ExternalDataFiles);
