using System.Text.Json;
using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.Models;

/// <summary>
/// Reads <c>test_vectors/manifest.json</c> of a package: <c>{"cases":[{"part", "inputs":{name:{"file","dtype",
/// "shape"}}, "outputs":{…}, "atol"}], "tokenizer":[{"prompt", "ids"}]}</c> with raw little-endian .bin files.
/// </summary>
/// <remarks>Immutable after <see cref="Load"/>.</remarks>
public sealed class TestVectorManifest
{
    private TestVectorManifest(IReadOnlyList<TestVectorCase> cases, IReadOnlyList<TokenizerVector> tokenizer)
    {
        Cases = cases;
        Tokenizer = tokenizer;
    }

    /// <summary>The recorded part evaluations.</summary>
    public IReadOnlyList<TestVectorCase> Cases { get; }

    /// <summary>The recorded tokenizations.</summary>
    public IReadOnlyList<TokenizerVector> Tokenizer { get; }

    /// <summary>Loads the manifest of the package in <paramref name="packageDirectory"/>.</summary>
    /// <exception cref="RealtimeGenException">The manifest is missing or malformed.</exception>
    public static TestVectorManifest Load(string packageDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(packageDirectory);
        string folder = Path.Combine(Path.GetFullPath(packageDirectory), "test_vectors");
        string path = Path.Combine(folder, "manifest.json");
        using JsonDocument document = StrictJson.ReadObject(path, 4 << 20);
        JsonElement root = document.RootElement;
        var cases = new List<TestVectorCase>();
        if (root.TryGetProperty("cases", out JsonElement caseArray))
        {
            foreach (JsonElement item in Array(caseArray, "cases", path))
            {
                string part = StrictJson.OptionalString(item, "part", path)
                    ?? throw new RealtimeGenException($"{path}: expected every case to name its \"part\".");
                double atol = StrictJson.OptionalDouble(item, "atol", 1e-4, path);
                cases.Add(new TestVectorCase(part, Tensors(item, "inputs", folder, path), Tensors(item, "outputs", folder, path), atol));
            }
        }

        var tokenizer = new List<TokenizerVector>();
        if (root.TryGetProperty("tokenizer", out JsonElement tokenArray))
        {
            foreach (JsonElement item in Array(tokenArray, "tokenizer", path))
            {
                string prompt = StrictJson.OptionalString(item, "prompt", path)
                    ?? throw new RealtimeGenException($"{path}: expected every tokenizer entry to have a \"prompt\".");
                if (!item.TryGetProperty("ids", out JsonElement ids))
                {
                    throw new RealtimeGenException($"{path}: expected \"ids\" for the prompt \"{prompt}\".");
                }

                var values = new List<long>();
                foreach (JsonElement id in Array(ids, "ids", path))
                {
                    values.Add(id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out long v)
                        ? v
                        : throw StrictJson.Mismatch(path, "ids", "integers", id));
                }

                tokenizer.Add(new TokenizerVector(prompt, values));
            }
        }

        return new TestVectorManifest(cases, tokenizer);
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement element, string name, string path) =>
        element.ValueKind == JsonValueKind.Array
            ? element.EnumerateArray()
            : throw StrictJson.Mismatch(path, name, "an array", element);

    private static List<TestVectorTensor> Tensors(JsonElement item, string name, string folder, string path)
    {
        if (!item.TryGetProperty(name, out JsonElement map) || map.ValueKind != JsonValueKind.Object)
        {
            throw new RealtimeGenException($"{path}: expected an object \"{name}\" in every case.");
        }

        var result = new List<TestVectorTensor>();
        foreach (JsonProperty tensor in map.EnumerateObject())
        {
            string file = StrictJson.OptionalString(tensor.Value, "file", path)
                ?? throw new RealtimeGenException($"{path}: expected \"file\" for tensor \"{tensor.Name}\".");
            if (Path.IsPathRooted(file) || file.Contains("..", StringComparison.Ordinal))
            {
                throw new RealtimeGenException($"{path}: expected a file name inside test_vectors/; found \"{file}\".");
            }

            string dtype = StrictJson.OptionalString(tensor.Value, "dtype", path) ?? "float32";
            var shape = new List<long>();
            if (tensor.Value.TryGetProperty("shape", out JsonElement dims))
            {
                foreach (JsonElement d in Array(dims, "shape", path))
                {
                    shape.Add(d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out long v) && v >= 0
                        ? v
                        : throw StrictJson.Mismatch(path, "shape", "non-negative integers", d));
                }
            }

            result.Add(new TestVectorTensor(tensor.Name, Path.Combine(folder, file), dtype, shape));
        }

        return result;
    }
}
