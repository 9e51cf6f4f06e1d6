namespace RealtimeGen.Plugin.Watermarking;

/// <summary>What <see cref="InvisibleWatermark.Detect"/> found.</summary>
/// <param name="Found">True when the sync pattern and the payload's checksum both decoded correctly.</param>
/// <param name="Payload">The decoded payload (meaningful only when <paramref name="Found"/>).</param>
/// <param name="BitAccuracy">Fraction of the image's individual block bits that agree with the decoded codeword
/// (1 for a pristine marked image, about 0.5 for an unmarked one).</param>
/// <param name="Confidence">Mean normalised agreement of the sync bits at the best alignment, −1..1.</param>
/// <param name="Scale">The upscaling the detector applied before it found the mark (1, or 2 for a half-size copy).</param>
public readonly record struct WatermarkDetection(bool Found, WatermarkPayload Payload, double BitAccuracy, double Confidence, int Scale);
