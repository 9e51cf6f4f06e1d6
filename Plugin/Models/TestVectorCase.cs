namespace RealtimeGen.Plugin.Models;

/// <summary>One recorded PyTorch evaluation of a package part, for checking ONNX Runtime against it.</summary>
/// <param name="Part">Component folder name (<c>text_encoder</c>, <c>unet</c>, …).</param>
/// <param name="Inputs">Inputs by model input name.</param>
/// <param name="Outputs">Expected outputs by model output name.</param>
/// <param name="AbsoluteTolerance">Largest allowed absolute difference per element.</param>
public sealed record TestVectorCase(
    string Part,
    IReadOnlyList<TestVectorTensor> Inputs,
    IReadOnlyList<TestVectorTensor> Outputs,
    double AbsoluteTolerance);
