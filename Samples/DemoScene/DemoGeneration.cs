namespace RealtimeGen.Samples.DemoScene;

/// <summary>How the demo's objects get their textures.</summary>
internal enum DemoGeneration
{
    /// <summary>Checkerboards only.</summary>
    Off,

    /// <summary>Streamed by the texture generation plugin on worker threads (the real thing).</summary>
    Streamed,

    /// <summary>The naive baseline: the pipeline called synchronously inside the frame.</summary>
    Synchronous,
}
