using Microsoft.ML.OnnxRuntime;

namespace RealtimeGen.Plugin.Inference;

/// <summary>
/// One session's inputs and outputs bound once to preallocated tensors, so that a run allocates nothing
/// managed. Owns its tensors and the <see cref="OrtIoBinding"/>.
/// </summary>
internal sealed class SessionBinding : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly BoundTensor[] _inputs;
    private readonly BoundTensor[] _outputs;

    public SessionBinding(InferenceSession session, BoundTensor[] inputs, BoundTensor[] outputs)
    {
        _session = session;
        _inputs = inputs;
        _outputs = outputs;
        _binding = session.CreateIoBinding();
        foreach (BoundTensor input in inputs)
        {
            _binding.BindInput(input.Signature.Name, input.Value);
        }

        foreach (BoundTensor output in outputs)
        {
            _binding.BindOutput(output.Signature.Name, output.Value);
        }
    }

    public BoundTensor Input(int index) => _inputs[index];

    public BoundTensor Output(int index) => _outputs[index];

    /// <summary>Runs the session; <paramref name="runOptions"/> carries cancellation through its Terminate flag.</summary>
    public void Run(RunOptions runOptions)
    {
        for (int i = 0; i < _inputs.Length; i++)
        {
            _inputs[i].BeforeRun();
        }

        _session.RunWithBinding(runOptions, _binding);
        for (int i = 0; i < _outputs.Length; i++)
        {
            _outputs[i].AfterRun();
        }
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (BoundTensor tensor in _inputs)
        {
            tensor.Dispose();
        }

        foreach (BoundTensor tensor in _outputs)
        {
            tensor.Dispose();
        }
    }
}
