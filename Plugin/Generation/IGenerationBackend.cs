using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Plugin.Generation;

/// <summary>
/// Runs one job at a time on a <see cref="GenerationService"/> worker: the seam between scheduling and inference
/// (the LCM pipeline in production, a scripted backend in tests).
/// </summary>
/// <remarks>Created, used and disposed on its worker thread.</remarks>
public interface IGenerationBackend : IDisposable
{
    /// <summary>Generates <paramref name="job"/>, writing previews and the final image through <paramref name="output"/>.</summary>
    /// <exception cref="OperationCanceledException">The job was cancelled.</exception>
    void Generate(GenerationJob job, IGenerationOutput output, CancellationToken cancellationToken);

    /// <summary>
    /// The asset-cache key of the final image <see cref="Generate"/> gives for <paramref name="request"/>: everything
    /// that determines it, the model included. Null (the default) when the output cannot be named by a key, so the
    /// service neither reads nor fills the cache for it.
    /// </summary>
    AssetKey? CacheKeyOf(GenerationRequest request) => null;
}
