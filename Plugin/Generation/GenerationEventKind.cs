namespace RealtimeGen.Plugin.Generation;

/// <summary>What a <see cref="GenerationEvent"/> reports.</summary>
public enum GenerationEventKind
{
    /// <summary>A preview image of step <see cref="GenerationEvent.Step"/> is in the event's slot.</summary>
    Preview,

    /// <summary>The final image is in the event's slot.</summary>
    Final,

    /// <summary>The job threw; <see cref="GenerationEvent.Reason"/> says why.</summary>
    Failed,

    /// <summary>The job was cancelled (replaced, or its owner went away).</summary>
    Cancelled,

    /// <summary>The full queue dropped the job for a higher-priority one; submit it again later.</summary>
    Dropped,
}
