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
}
