using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Models;

namespace RealtimeGen.Plugin.Inference;

/// <summary>
/// Base of the per-part wrappers: owns one <see cref="InferenceSession"/>, its signature read from the session
/// metadata, and the preallocated bindings of the shapes it has run.
/// </summary>
/// <remarks>
/// Not thread-safe: one worker thread runs a wrapper at a time (ONNX Runtime sessions are thread-safe, the
/// preallocated buffers are not). Dispose releases the session and every native buffer deterministically.
/// </remarks>
public abstract class OnnxModel : IDisposable
{
    private readonly Dictionary<(int, int, int), SessionBinding> _bindings = [];
    private bool _disposed;

    /// <summary>Opens the session for <paramref name="part"/> through <paramref name="factory"/>.</summary>
    protected OnnxModel(ModelPart part, SessionFactory factory)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(factory);
        Part = part;
        Session = factory.CreateSession(part.ModelPath, part.Name, out ExecutionProvider provider);
        Provider = provider;
        try
        {
            Signature = new PartSignature(part.ModelPath, ReadSignature(Session.InputMetadata, part.ModelPath), ReadSignature(Session.OutputMetadata, part.ModelPath));
            DefaultRunOptions = new RunOptions();
        }
        catch
        {
            Session.Dispose();
            throw;
        }
    }

    /// <summary>The package part this session was loaded from.</summary>
    public ModelPart Part { get; }

    /// <summary>Inputs and outputs as the session reports them.</summary>
    public PartSignature Signature { get; }

    /// <summary>The execution provider the session runs on.</summary>
    public ExecutionProvider Provider { get; }

    internal InferenceSession Session { get; }

    internal RunOptions DefaultRunOptions { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the bindings and the session.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing)
        {
            return;
        }

        _disposed = true;
        foreach (SessionBinding binding in _bindings.Values)
        {
            binding.Dispose();
        }

        _bindings.Clear();
        DefaultRunOptions.Dispose();
        Session.Dispose();
    }

    /// <summary>The binding for a shape key, created by <paramref name="create"/> on first use.</summary>
    internal SessionBinding GetBinding((int, int, int) key, Func<SessionBinding> create)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_bindings.TryGetValue(key, out SessionBinding? binding))
        {
            binding = create();
            _bindings.Add(key, binding);
        }

        return binding;
    }

    /// <summary>The output named <paramref name="preferred"/>, else the first one.</summary>
    internal TensorSignature OutputOrFirst(string preferred)
    {
        TensorSignature? found = Signature.FindOutput(preferred);
        if (found is not null)
        {
            return found;
        }

        return Signature.Outputs.Count > 0
            ? Signature.Outputs[0]
            : throw new RealtimeGenException($"{Part.ModelPath}: expected at least one output; the model has none.");
    }

    /// <summary>Throws unless <paramref name="tensor"/> has <paramref name="rank"/> axes.</summary>
    internal void RequireRank(TensorSignature tensor, int rank, string meaning)
    {
        if (tensor.Rank != rank)
        {
            throw new RealtimeGenException(
                $"{Part.ModelPath}: expected \"{tensor.Name}\" to have rank {rank} ({meaning}); found {tensor}.");
        }
    }

    private static List<TensorSignature> ReadSignature(IReadOnlyDictionary<string, NodeMetadata> metadata, string path)
    {
        var result = new List<TensorSignature>(metadata.Count);
        foreach ((string name, NodeMetadata node) in metadata)
        {
            if (node.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
            {
                throw new RealtimeGenException(
                    $"{path}: expected tensor inputs and outputs; \"{name}\" is a {node.OnnxValueType}.");
            }

            var dims = new long[node.Dimensions.Length];
            for (int i = 0; i < dims.Length; i++)
            {
                dims[i] = node.Dimensions[i] <= 0 ? -1 : node.Dimensions[i];
            }

            result.Add(new TensorSignature(name, node.ElementDataType, dims));
        }

        return result;
    }
}
