namespace RealtimeGen.Plugin.Components;

/// <summary>
/// Added when the entity's latest job failed; the entity keeps its last good texture. Removed when a later request
/// of the entity completes.
/// </summary>
/// <param name="Reason">What went wrong, from the failing exception.</param>
/// <param name="Version">The <see cref="TextureRequest.Version"/> that failed.</param>
public readonly record struct GenerationFailed(string Reason, int Version);
