namespace RealtimeGen.Plugin.Components;

/// <summary>How far the entity's latest request has got; written by the texture generation system.</summary>
public record struct GenerationProgress
{
    /// <summary>Steps whose image has reached the texture (a preview or the final), 0 before the first.</summary>
    public int Step { get; set; }

    /// <summary>Steps of the request.</summary>
    public int Steps { get; set; }

    /// <summary>Milliseconds from the request to the latest image that reached the texture.</summary>
    public double LatencyMs { get; set; }

    /// <summary>True when the latest image came from the asset cache (no inference ran).</summary>
    public bool FromCache { get; set; }

    /// <summary>The <see cref="TextureRequest.Version"/> this progress is for.</summary>
    public int Version { get; set; }

    /// <summary>True once the final image of <see cref="Version"/> is in the texture.</summary>
    public readonly bool IsComplete => Steps > 0 && Step == Steps;
}
