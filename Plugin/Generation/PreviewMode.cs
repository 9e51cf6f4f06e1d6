namespace RealtimeGen.Plugin.Generation;

/// <summary>Which denoising steps send a preview (the decoded predicted x₀) to the texture before the final image.</summary>
public enum PreviewMode
{
    /// <summary>After every step but the last.</summary>
    EveryStep,

    /// <summary>After every k-th step (<see cref="GenerationServiceOptions.PreviewInterval"/>).</summary>
    EveryKthStep,

    /// <summary>No previews: only the final image.</summary>
    FinalOnly,
}
