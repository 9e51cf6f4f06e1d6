using System.Diagnostics.CodeAnalysis;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.Generation;

/// <summary>One request in a <see cref="GenerationService"/>, from submission until its last event.</summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "A source without a timer holds nothing to release; not disposing it lets the main thread cancel a job whose worker has just finished it without a race.")]
public sealed class GenerationJob
{
    private readonly CancellationTokenSource _cancellation = new();

    internal GenerationJob(long id, long key, GenerationRequest request, int priority, bool seamless, long sequence, StreamedTextureHandle target)
    {
        Target = target;
        Id = id;
        Key = key;
        Request = request;
        Priority = priority;
        Seamless = seamless;
        Sequence = sequence;
    }

    /// <summary>Unique id, increasing with submission order.</summary>
    public long Id { get; }

    /// <summary>The owner (e.g. an entity): a newer job with the same key replaces this one.</summary>
    public long Key { get; }

    /// <summary>What to generate; batch 1.</summary>
    public GenerationRequest Request { get; }

    /// <summary>Higher runs first.</summary>
    public int Priority { get; }

    /// <summary>Whether the texture should tile.</summary>
    public bool Seamless { get; }

    /// <summary>The texture the job's images will be submitted to, or <see cref="StreamedTextureHandle.None"/> when
    /// the submitter did not say: the sink may then hand the worker a slot in that texture's own memory.</summary>
    public StreamedTextureHandle Target { get; }

    /// <summary>Bytes of the RGBA8 image (width·height·4).</summary>
    public int ByteCount => Request.Width * Request.Height * 4;

    internal long Sequence { get; }

    internal CancellationToken CancellationToken => _cancellation.Token;

    internal void Cancel() => _cancellation.Cancel();
}
