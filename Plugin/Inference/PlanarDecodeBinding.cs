using Microsoft.ML.OnnxRuntime;

namespace RealtimeGen.Plugin.Inference;

/// <summary>
/// The decoder bound to write its image into memory someone else owns (an <see cref="OrtValue"/> over shared GPU memory
/// or any caller buffer): the input is the shape's preallocated latent tensor, the output the caller's value. Owns only
/// the <see cref="OrtIoBinding"/>; the latent tensor belongs to the shape's <see cref="SessionBinding"/>, the output to
/// the caller.
/// </summary>
internal sealed class PlanarDecodeBinding : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly BoundTensor _latents;

    public PlanarDecodeBinding(InferenceSession session, BoundTensor latents, string outputName, OrtValue destination)
    {
        _session = session;
        _latents = latents;
        Destination = destination;
        _binding = session.CreateIoBinding();
        try
        {
            _binding.BindInput(latents.Signature.Name, latents.Value);
            _binding.BindOutput(outputName, destination);
        }
        catch
        {
            _binding.Dispose();
            throw;
        }
    }

    /// <summary>The caller's output value this binding writes.</summary>
    public OrtValue Destination { get; }

    /// <summary>Runs the decoder on the latents already in the shape's input tensor.</summary>
    public void Run(RunOptions runOptions)
    {
        _latents.BeforeRun();
        _session.RunWithBinding(runOptions, _binding);
    }

    public void Dispose() => _binding.Dispose();
}
