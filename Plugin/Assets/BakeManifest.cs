using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Plugin.Assets;

/// <summary>
/// A list of assets to bake, read as strict JSON (no comments, trailing commas, duplicate or unknown fields):
/// <c>{ "defaults": { … }, "assets": [ { "name": "brick", "prompt": "red brick wall", "seed": 1 }, … ] }</c>.
/// Fields of an asset (and of defaults, except name and prompt): name, prompt, negative, seed, steps, size (or
/// width and height), seamless (default true), roll, guidance, init (an image path relative to the manifest) and
/// strength. Every error names the manifest and the line.
/// </summary>
public sealed partial class BakeManifest
{
    /// <summary>Largest manifest accepted.</summary>
    public const long MaxBytes = 4L << 20;

    private static readonly HashSet<string> Known =
        ["name", "prompt", "negative", "seed", "steps", "size", "width", "height", "seamless", "roll", "guidance", "init", "strength"];

    private readonly string _source;
    private readonly byte[] _text;
    private readonly List<int> _lineStarts = [0];

    private BakeManifest(string source, byte[] text)
    {
        _source = source;
        _text = text;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }

        Assets = [];
    }

    /// <summary>The assets in manifest order.</summary>
    public IReadOnlyList<BakeAsset> Assets { get; private set; }

    /// <summary>Where the manifest came from (its path).</summary>
    public string Source => _source;

    /// <summary>Reads the manifest at <paramref name="path"/>.</summary>
    /// <exception cref="RealtimeGenException">Missing, too large, not strict JSON, or an invalid field (with its line).</exception>
    public static BakeManifest Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new RealtimeGenException($"Expected a bake manifest at {path}; it does not exist.");
        }

        if (file.Length > MaxBytes)
        {
            throw new RealtimeGenException($"{path}: expected a manifest of at most {MaxBytes >> 20} MiB; found {file.Length} bytes.");
        }

        byte[] text;
        try
        {
            text = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RealtimeGenException($"{path}: cannot read the manifest: {e.Message}", e);
        }

        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Parses manifest text; init paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static BakeManifest Parse(byte[] utf8, string source, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(baseDirectory);
        if (utf8.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            // Editors on Windows often save UTF-8 with a byte order mark; it carries no content.
            utf8 = utf8[3..];
        }

        var parser = new BakeManifest(source, utf8);
        try
        {
            parser.Assets = parser.ReadAssets(baseDirectory);
            return parser;
        }
        catch (JsonException e)
        {
            long line = (e.LineNumber ?? 0) + 1;
            throw new RealtimeGenException(
                string.Create(CultureInfo.InvariantCulture, $"{source} line {line}: expected strict JSON (no comments or trailing commas): {e.Message}"), e);
        }
    }

    private List<BakeAsset> ReadAssets(string baseDirectory)
    {
        var reader = new Utf8JsonReader(_text, new JsonReaderOptions
        {
            AllowTrailingCommas = false,
            CommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = 16,
        });
        Expect(ref reader, JsonTokenType.StartObject, "a JSON object with \"assets\"");
        Dictionary<string, (JsonElement Value, int Line)> defaults = [];
        List<(Dictionary<string, (JsonElement Value, int Line)> Fields, int Line)>? objects = null;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            string property = reader.GetString()!;
            int line = Line(reader.TokenStartIndex);
            Next(ref reader);
            switch (property)
            {
                case "defaults":
                    defaults = ReadFields(ref reader, "defaults");
                    foreach (string required in new[] { "name", "prompt" })
                    {
                        if (defaults.TryGetValue(required, out var misplaced))
                        {
                            throw Error(misplaced.Line, $"\"{required}\" belongs to each asset, not to defaults.");
                        }
                    }

                    break;
                case "assets":
                    objects = [];
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw Error(line, $"expected \"assets\" to be an array of objects; found {reader.TokenType}.");
                    }

                    while (true)
                    {
                        Next(ref reader);
                        if (reader.TokenType == JsonTokenType.EndArray)
                        {
                            break;
                        }

                        int objectLine = Line(reader.TokenStartIndex);
                        objects.Add((ReadFields(ref reader, "asset"), objectLine));
                    }

                    break;
                default:
                    throw Error(line, $"unknown field \"{property}\"; expected \"defaults\" or \"assets\".");
            }
        }

        if (objects is null)
        {
            throw Error(1, "expected a field \"assets\" (an array of assets); there is none.");
        }

        var assets = new List<BakeAsset>(objects.Count);
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < objects.Count; i++)
        {
            (var fields, int line) = objects[i];
            BakeAsset asset = Build(i, fields, defaults, line, baseDirectory);
            if (names.TryGetValue(asset.Name, out int previous))
            {
                throw Error(line, $"asset name \"{asset.Name}\" is already used on line {previous}; names become file names and must be unique.");
            }

            names.Add(asset.Name, line);
            assets.Add(asset);
        }

        return assets;
    }

    private BakeAsset Build(
        int index,
        Dictionary<string, (JsonElement Value, int Line)> fields,
        Dictionary<string, (JsonElement Value, int Line)> defaults,
        int line,
        string baseDirectory)
    {
        (JsonElement Value, int Line)? Field(string name) =>
            fields.TryGetValue(name, out var own) ? own : defaults.TryGetValue(name, out var shared) ? shared : null;

        string Required(string name)
        {
            if (!fields.TryGetValue(name, out var value))
            {
                throw Error(line, $"asset {index + 1} is missing the required field \"{name}\".");
            }

            return Text(value, name);
        }

        string name = Required("name");
        if (!SafeName().IsMatch(name))
        {
            throw Error(fields["name"].Line, $"expected \"name\" to be 1–64 letters, digits, '.', '_' or '-' (it names the output files); found \"{name}\".");
        }

        string prompt = Required("prompt");
        int size = Field("size") is { } s ? Integer(s, "size", 1, int.MaxValue) : 256;
        int width = Field("width") is { } w ? Integer(w, "width", 1, int.MaxValue) : size;
        int height = Field("height") is { } h ? Integer(h, "height", 1, int.MaxValue) : size;
        int sizeLine = Field("width")?.Line ?? Field("height")?.Line ?? Field("size")?.Line ?? line;
        AssetSize.Check(width, height, string.Create(CultureInfo.InvariantCulture, $"{_source} line {sizeLine}"));
        string? init = Field("init") is { } i ? Text(i, "init") : null;
        var request = new GenerationRequest
        {
            Prompt = prompt,
            NegativePrompt = Field("negative") is { } n ? Text(n, "negative") : "",
            Seed = Field("seed") is { } seed ? Long(seed, "seed") : 0,
            Steps = Field("steps") is { } steps ? Integer(steps, "steps", 1, 50) : 4,
            Width = width,
            Height = height,
            Seamless = Field("seamless") is not { } seamless || Boolean(seamless, "seamless"),
            SeamlessRoll = Field("roll") is { } roll && Boolean(roll, "roll"),
            GuidanceScale = Field("guidance") is { } g ? Number(g, "guidance", 0, 100) : null,
            Strength = Field("strength") is { } st ? Number(st, "strength", 0, 1) : 0.6,
        };
        return new BakeAsset(name, line, request, init is null ? null : Path.GetFullPath(Path.Combine(baseDirectory, init)));
    }

    private Dictionary<string, (JsonElement Value, int Line)> ReadFields(ref Utf8JsonReader reader, string what)
    {
        int start = Line(reader.TokenStartIndex);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error(start, $"expected {what} to be a JSON object; found {reader.TokenType}.");
        }

        var fields = new Dictionary<string, (JsonElement Value, int Line)>(StringComparer.Ordinal);
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return fields;
            }

            string name = reader.GetString()!;
            int line = Line(reader.TokenStartIndex);
            if (!Known.Contains(name))
            {
                throw Error(line, $"unknown field \"{name}\" in {what}; expected one of {string.Join(", ", Known)}.");
            }

            if (fields.ContainsKey(name))
            {
                throw Error(line, $"field \"{name}\" appears twice in one {what}.");
            }

            Next(ref reader);
            fields.Add(name, (JsonElement.ParseValue(ref reader), line));
        }
    }

    private string Text((JsonElement Value, int Line) field, string name) =>
        field.Value.ValueKind == JsonValueKind.String
            ? field.Value.GetString()!
            : throw Error(field.Line, $"expected \"{name}\" to be a string; found {field.Value.ValueKind}.");

    private bool Boolean((JsonElement Value, int Line) field, string name) => field.Value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error(field.Line, $"expected \"{name}\" to be true or false; found {field.Value.ValueKind}."),
    };

    private int Integer((JsonElement Value, int Line) field, string name, int min, int max) =>
        field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt32(out int value) && value >= min && value <= max
            ? value
            : throw Error(field.Line, $"expected \"{name}\" to be an integer from {min} to {max}; found {field.Value.GetRawText()}.");

    private long Long((JsonElement Value, int Line) field, string name) =>
        field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt64(out long value)
            ? value
            : throw Error(field.Line, $"expected \"{name}\" to be an integer; found {field.Value.GetRawText()}.");

    private double Number((JsonElement Value, int Line) field, string name, double min, double max) =>
        field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetDouble(out double value) && value >= min && value <= max
            ? value
            : throw Error(field.Line, string.Create(CultureInfo.InvariantCulture, $"expected \"{name}\" to be a number from {min} to {max}; found {field.Value.GetRawText()}."));

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            // Unterminated input: let the reader's own exception carry the position.
            reader.Skip();
            throw new JsonException("The manifest ends early.", null, null, null);
        }
    }

    private void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        Next(ref reader);
        if (reader.TokenType != type)
        {
            throw Error(Line(reader.TokenStartIndex), $"expected {what}; found {reader.TokenType}.");
        }
    }

    private int Line(long offset)
    {
        int index = _lineStarts.BinarySearch((int)offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    private RealtimeGenException Error(int line, string message) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{_source} line {line}: {message}"));

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SafeName();
}
