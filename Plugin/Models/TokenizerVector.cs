namespace RealtimeGen.Plugin.Models;

/// <summary>Token ids the reference tokenizer gave for a prompt.</summary>
/// <param name="Prompt">The prompt text.</param>
/// <param name="Ids">The ids, padded to the model length when the manifest records them so.</param>
public sealed record TokenizerVector(string Prompt, IReadOnlyList<long> Ids);
