using System.Text.Json;
using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.Models;

/// <summary>
/// Reads package JSON as untrusted input: bounded size and depth, no comments or trailing commas, no
/// duplicate keys, and typed field access whose errors name the file, the field, and what was expected.
/// </summary>
internal static class StrictJson
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 32,
    };

    /// <summary>Parses <paramref name="path"/> into a document whose root is an object.</summary>
    public static JsonDocument ReadObject(string path, long maxBytes)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new RealtimeGenException($"Expected the file {path}; it does not exist. Check the model package.");
        }

        if (info.Length > maxBytes)
        {
            throw new RealtimeGenException(
                $"{path}: expected at most {maxBytes} bytes of JSON; found {info.Length}. The file is not a " +
                "model package file, or the package is damaged.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), Options);
        }
        catch (JsonException e)
        {
            throw new RealtimeGenException(
                $"{path}: expected strict JSON (no comments or trailing commas); parsing failed: {e.Message}", e);
        }

        JsonValueKind kind = document.RootElement.ValueKind;
        if (kind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new RealtimeGenException($"{path}: expected a JSON object at the top level; found {kind}.");
        }

        try
        {
            RejectDuplicateKeys(document.RootElement, path);
        }
        catch
        {
            document.Dispose();
            throw;
        }

        return document;
    }

    public static string? OptionalString(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw Mismatch(path, name, "a string", value);
    }

    public static int OptionalInt(JsonElement obj, string name, int fallback, string path)
    {
        if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result)
            ? result
            : throw Mismatch(path, name, "an integer", value);
    }

    public static double OptionalDouble(JsonElement obj, string name, double fallback, string path)
    {
        if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double result)
               && double.IsFinite(result)
            ? result
            : throw Mismatch(path, name, "a finite number", value);
    }

    public static bool OptionalBool(JsonElement obj, string name, bool fallback, string path)
    {
        if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Mismatch(path, name, "true or false", value),
        };
    }

    public static RealtimeGenException Mismatch(string path, string name, string expected, JsonElement found)
    {
        string text = found.ValueKind == JsonValueKind.String ? $"\"{found.GetString()}\"" : found.GetRawText();
        if (text.Length > 80)
        {
            text = string.Concat(text.AsSpan(0, 80), "…");
        }

        return new RealtimeGenException($"{path}: expected \"{name}\" to be {expected}; found {text}.");
    }

    private static void RejectDuplicateKeys(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if (!seen.Add(property.Name))
                    {
                        throw new RealtimeGenException(
                            $"{path}: expected unique keys; \"{property.Name}\" appears more than once.");
                    }

                    RejectDuplicateKeys(property.Value, path);
                }

                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    RejectDuplicateKeys(item, path);
                }

                break;
            default:
                break;
        }
    }
}
