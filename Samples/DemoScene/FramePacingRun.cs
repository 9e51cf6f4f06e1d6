namespace RealtimeGen.Samples.DemoScene;

/// <summary>One run of the frame-pacing benchmark.</summary>
/// <param name="Name">What the run does.</param>
/// <param name="Frames">Frames measured.</param>
/// <param name="P50Ms">Median frame-to-frame time.</param>
/// <param name="P99Ms">99th percentile.</param>
/// <param name="MaxMs">Slowest frame.</param>
/// <param name="FramesOverTwiceBaseline">Frames slower than twice the no-generation run's median.</param>
/// <param name="TexturesPerSecond">Final textures completed per second of the run.</param>
/// <param name="FirstImageP50Ms">Median time from request to its first image on screen (a preview when streamed).</param>
/// <param name="FinalP50Ms">Median time from request to its final image on screen.</param>
/// <param name="Requests">Requests made during the run.</param>
/// <param name="Finals">Final images that reached the screen.</param>
internal sealed record FramePacingRun(
    string Name,
    int Frames,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    int FramesOverTwiceBaseline,
    double TexturesPerSecond,
    double FirstImageP50Ms,
    double FinalP50Ms,
    int Requests,
    int Finals);
