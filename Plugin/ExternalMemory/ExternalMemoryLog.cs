using Microsoft.Extensions.Logging;

namespace RealtimeGen.Plugin.ExternalMemory;

/// <summary>Log messages of the texture sink choice, compiled once by the logging source generator.</summary>
internal static partial class ExternalMemoryLog
{
    [LoggerMessage(EventId = 801, Level = LogLevel.Information,
        Message = "Texture sink {Chosen} chosen (asked for {Requested}): {Reason}")]
    public static partial void SinkChosen(ILogger logger, TextureSinkKind chosen, TextureSinkKind requested, string reason);

    [LoggerMessage(EventId = 802, Level = LogLevel.Warning,
        Message = "Texture sink {Requested} is unavailable, using {Fallback}: {Reason}")]
    public static partial void SinkFellBack(ILogger logger, TextureSinkKind requested, TextureSinkKind fallback, string reason);

    [LoggerMessage(EventId = 803, Level = LogLevel.Error,
        Message = "Could not create a {Width}x{Height} shared-memory texture ring; the image is dropped: {Reason}")]
    public static partial void RingFailed(ILogger logger, int width, int height, string reason);

    [LoggerMessage(EventId = 805, Level = LogLevel.Error,
        Message = "A {Width}x{Height} shared-memory texture ring is still written by {Pins} worker slot(s) at dispose; it is left undisposed rather than freed under the worker")]
    public static partial void RingLeftPinned(ILogger logger, int width, int height, int pins);
}
