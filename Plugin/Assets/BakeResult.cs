namespace RealtimeGen.Plugin.Assets;

/// <summary>What a <see cref="Baker.Bake"/> run did.</summary>
/// <param name="Total">Assets in the manifest.</param>
/// <param name="Cached">Assets found in the cache (no inference).</param>
/// <param name="Generated">Assets generated and added to the cache.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="Files">Files written to the output folder.</param>
public sealed record BakeResult(int Total, int Cached, int Generated, TimeSpan Elapsed, IReadOnlyList<string> Files);
