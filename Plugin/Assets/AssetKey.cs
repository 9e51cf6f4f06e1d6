using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Plugin.Assets;

/// <summary>
/// Everything that determines a generated asset, and its SHA-256 <see cref="Hash"/>: the cache's file name, so
/// that no prompt text ever becomes a path.
/// </summary>
public sealed record AssetKey
{
    /// <summary>Version of the key layout and of what an entry holds; bump when either changes.</summary>
    public const int FormatVersion = 1;

    /// <summary>The model's <see cref="ModelFingerprint"/>.</summary>
    public required string ModelHash { get; init; }

    /// <summary>The prompt.</summary>
    public required string Prompt { get; init; }

    /// <summary>The negative prompt.</summary>
    public string NegativePrompt { get; init; } = "";

    /// <summary>Noise seed.</summary>
    public long Seed { get; init; }

    /// <summary>Denoising steps.</summary>
    public int Steps { get; init; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; init; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; init; }

    /// <summary>Seamless generation.</summary>
    public bool Seamless { get; init; }

    /// <summary>Random roll per step with seamless generation.</summary>
    public bool SeamlessRoll { get; init; }

    /// <summary>Guidance scale; null for the model's default (which the model hash pins).</summary>
    public double? GuidanceScale { get; init; }

    /// <summary>SHA-256 of the init image's size and pixels, or empty for text-to-image.</summary>
    public string InitImageHash { get; init; } = "";

    /// <summary>img2img strength (0 without an init image).</summary>
    public double Strength { get; init; }

    /// <summary>Whether the albedo carries the invisible watermark.</summary>
    public bool Watermarked { get; init; }

    /// <summary>Lowercase hex SHA-256 of the canonical form of every field.</summary>
    public string Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical())));

    /// <summary>The key of <paramref name="request"/> (batch 1) for the model <paramref name="modelHash"/>.</summary>
    public static AssetKey For(GenerationRequest request, string modelHash, bool watermarked)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(modelHash);
        return new AssetKey
        {
            ModelHash = modelHash,
            Prompt = request.Prompt,
            NegativePrompt = request.NegativePrompt,
            Seed = request.Seed,
            Steps = request.Steps,
            Width = request.Width,
            Height = request.Height,
            Seamless = request.Seamless,
            SeamlessRoll = request.Seamless && request.SeamlessRoll,
            GuidanceScale = request.GuidanceScale,
            InitImageHash = request.InitImage is { } init ? HashImage(init) : "",
            Strength = request.InitImage is null ? 0 : request.Strength,
            Watermarked = watermarked,
        };
    }

    /// <summary>SHA-256 of an init image's size and pixels.</summary>
    public static string HashImage(InitImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{image.Width}x{image.Height}\n")));
        hash.AppendData(image.Rgba);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // Length-prefixed strings, so that no prompt can imitate another field.
    private string Canonical()
    {
        var text = new StringBuilder();
        Field(text, "version", FormatVersion.ToString(CultureInfo.InvariantCulture));
        Field(text, "model", ModelHash);
        Field(text, "prompt", Prompt);
        Field(text, "negative", NegativePrompt);
        Field(text, "seed", Seed.ToString(CultureInfo.InvariantCulture));
        Field(text, "steps", Steps.ToString(CultureInfo.InvariantCulture));
        Field(text, "size", string.Create(CultureInfo.InvariantCulture, $"{Width}x{Height}"));
        Field(text, "seamless", Seamless ? (SeamlessRoll ? "roll" : "pad") : "off");
        Field(text, "guidance", GuidanceScale is { } w ? w.ToString("R", CultureInfo.InvariantCulture) : "model default");
        Field(text, "init", InitImageHash);
        Field(text, "strength", Strength.ToString("R", CultureInfo.InvariantCulture));
        Field(text, "watermark", Watermarked ? "on" : "off");
        return text.ToString();
    }

    private static void Field(StringBuilder text, string name, string value) =>
        text.Append(name).Append(':').Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
}
