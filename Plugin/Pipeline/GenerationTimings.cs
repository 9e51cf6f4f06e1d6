using System.Diagnostics;

namespace RealtimeGen.Plugin.Pipeline;

/// <summary>
/// Where one generation spent its time, in <see cref="Stopwatch"/> ticks; filled by the pipeline when the
/// caller passes one. Reused across generations by calling <see cref="Reset"/> (the pipeline does).
/// </summary>
public sealed class GenerationTimings
{
    /// <summary>Tokenising the prompt(s); zero on a prompt-cache hit.</summary>
    public long TokenizeTicks { get; internal set; }

    /// <summary>Text encoder runs; zero on a prompt-cache hit.</summary>
    public long TextEncodeTicks { get; internal set; }

    /// <summary>All UNet runs together.</summary>
    public long UnetTicks { get; internal set; }

    /// <summary>UNet runs made.</summary>
    public int UnetRuns { get; internal set; }

    /// <summary>Scheduler arithmetic, guidance mixing and noise drawing.</summary>
    public long SchedulerTicks { get; internal set; }

    /// <summary>Final VAE decode run (previews are counted in <see cref="PreviewTicks"/>).</summary>
    public long DecodeTicks { get; internal set; }

    /// <summary>Preview decodes and callbacks.</summary>
    public long PreviewTicks { get; internal set; }

    /// <summary>VAE encoder run for img2img.</summary>
    public long EncodeTicks { get; internal set; }

    /// <summary>Whole generation, from call to return.</summary>
    public long TotalTicks { get; internal set; }

    /// <summary>Time inside ONNX Runtime session runs (text encoder, UNet, decoders, encoder).</summary>
    public long SessionTicks => TextEncodeTicks + UnetTicks + DecodeTicks + EncodeTicks;

    /// <summary>Milliseconds of <paramref name="ticks"/>.</summary>
    public static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Zeroes every field.</summary>
    public void Reset()
    {
        TokenizeTicks = 0;
        TextEncodeTicks = 0;
        UnetTicks = 0;
        UnetRuns = 0;
        SchedulerTicks = 0;
        DecodeTicks = 0;
        PreviewTicks = 0;
        EncodeTicks = 0;
        TotalTicks = 0;
    }
}
