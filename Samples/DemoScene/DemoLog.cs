using Microsoft.Extensions.Logging;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>The demo's log messages, source-generated so that disabled levels cost nothing.</summary>
internal static partial class DemoLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Summary}")]
    public static partial void FrameSummary(ILogger logger, string summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Files} to {Output}")]
    public static partial void Wrote(ILogger logger, string files, string output);

    [LoggerMessage(Level = LogLevel.Information, Message = "Generated textures stream through the {Sink} sink")]
    public static partial void SinkInUse(ILogger logger, string sink);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Message}")]
    public static partial void Failed(ILogger logger, string message);
}
