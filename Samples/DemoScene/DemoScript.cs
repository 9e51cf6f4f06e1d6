using System.Globalization;
using RealtimeGen.Engine;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>
/// A timed sequence of prompt changes for a headless run, one cue per line:
/// <c>&lt;seconds&gt; &lt;object&gt; &lt;prompt…&gt;</c>, e.g. <c>0.5 1 mossy red brick wall</c>. Blank lines and
/// lines starting with <c>#</c> are ignored; cues must be in time order.
/// </summary>
internal sealed class DemoScript
{
    /// <summary>What the demo plays when no script is given: every object gets a texture, then two change live.</summary>
    public const string Default = """
        # seconds  object  prompt
        0.0  0  mossy red brick wall
        0.0  1  green marble
        0.0  2  old wood planks
        0.0  3  blue floor tiles
        0.0  4  dark wet cobblestone
        2.5  2  cracked white marble
        4.0  0  large yellow sand
        """;

    private DemoScript(IReadOnlyList<DemoScriptCue> cues) => Cues = cues;

    public IReadOnlyList<DemoScriptCue> Cues { get; }

    /// <summary>When the last cue fires.</summary>
    public double LastCueSeconds => Cues.Count == 0 ? 0 : Cues[^1].AtSeconds;

    public static DemoScript Load(string path, int objectCount = int.MaxValue)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RealtimeGenException($"Cannot read the demo script '{path}': {e.Message}", e);
        }

        return Parse(text, path, objectCount);
    }

    /// <summary>Parses <paramref name="text"/>; errors name <paramref name="source"/>, the line and what was expected.</summary>
    public static DemoScript Parse(string text, string source, int objectCount = int.MaxValue)
    {
        var cues = new List<DemoScriptCue>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
            var where = $"{source} line {i + 1}";
            if (parts.Length < 3)
            {
                throw new RealtimeGenException($"{where}: expected '<seconds> <object> <prompt>', found '{line}'.");
            }

            if (!double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var at) || at < 0 || !double.IsFinite(at))
            {
                throw new RealtimeGenException($"{where}: expected a time in seconds ≥ 0, found '{parts[0]}'.");
            }

            if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= objectCount)
            {
                throw new RealtimeGenException($"{where}: expected an object index from 0 to {Math.Min(objectCount, 100) - 1}, found '{parts[1]}'.");
            }

            if (cues.Count > 0 && at < cues[^1].AtSeconds)
            {
                throw new RealtimeGenException($"{where}: cues must be in time order; {at} s comes after {cues[^1].AtSeconds} s.");
            }

            cues.Add(new DemoScriptCue(at, index, parts[2], i + 1));
        }

        return new DemoScript(cues);
    }
}
