using System.Globalization;

namespace RealtimeGen.Plugin.Watermarking;

/// <summary>The 32 bits an <see cref="InvisibleWatermark"/> carries: a 16-bit model id and a 16-bit generator tag.</summary>
/// <param name="Value">Model id in the high 16 bits, generator tag in the low 16 bits.</param>
public readonly record struct WatermarkPayload(uint Value)
{
    /// <summary>The tag RealtimeGen writes by default ("RG").</summary>
    public const ushort RealtimeGenTag = 0x5247;

    /// <summary>Builds a payload from its two halves.</summary>
    public WatermarkPayload(ushort modelId, ushort generatorTag)
        : this(((uint)modelId << 16) | generatorTag)
    {
    }

    /// <summary>Identifies the model (the first 16 bits of its content fingerprint).</summary>
    public ushort ModelId => (ushort)(Value >> 16);

    /// <summary>Identifies the program that generated the image.</summary>
    public ushort GeneratorTag => (ushort)Value;

    /// <summary>The payload of a model whose content fingerprint is the hex string <paramref name="fingerprint"/>.</summary>
    public static WatermarkPayload ForModel(string fingerprint, ushort generatorTag = RealtimeGenTag)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        ushort id = fingerprint.Length >= 4 && ushort.TryParse(fingerprint.AsSpan(0, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ushort parsed)
            ? parsed
            : (ushort)0;
        return new WatermarkPayload(id, generatorTag);
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"0x{Value:x8} (model id 0x{ModelId:x4}, generator tag 0x{GeneratorTag:x4})");
}
