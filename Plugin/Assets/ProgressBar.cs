using System.Globalization;

namespace RealtimeGen.Plugin.Assets;

/// <summary>A one-line text progress bar redrawn in place (carriage return), for long batch work on a console.</summary>
public static class ProgressBar
{
    private const int Width = 30;

    /// <summary>Redraws the bar on <paramref name="writer"/>: <c>[#####.....] done/total what</c>.</summary>
    public static void Draw(TextWriter writer, int done, int total, string what)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int filled = total <= 0 ? Width : Math.Clamp(done * Width / total, 0, Width);
        string line = string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', filled)}{new string('.', Width - filled)}] {done}/{total} {what}");

        // Padding clears what a longer previous line left behind.
        writer.Write(line.PadRight(Width + 60));
    }
}
