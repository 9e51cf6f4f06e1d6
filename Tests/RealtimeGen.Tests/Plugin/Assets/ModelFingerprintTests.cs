using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Assets;

namespace RealtimeGen.Tests.Plugin.Assets;

public class ModelFingerprintTests
{
    private string _folder = "";

    [SetUp]
    public void CreatePackage()
    {
        _folder = Path.Combine(Path.GetTempPath(), "rtg-fingerprint-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_folder, "unet"));
        Directory.CreateDirectory(Path.Combine(_folder, "test_vectors"));
        File.WriteAllBytes(Path.Combine(_folder, "unet", "model.onnx"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(_folder, "model_index.json"), "{}");
        File.WriteAllBytes(Path.Combine(_folder, "test_vectors", "a.bin"), [9]);
    }

    [TearDown]
    public void RemovePackage() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void The_fingerprint_follows_content_and_ignores_test_vectors()
    {
        string first = ModelFingerprint.Compute(_folder);
        File.WriteAllBytes(Path.Combine(_folder, "test_vectors", "a.bin"), [8, 8]);
        string afterVectors = ModelFingerprint.Compute(_folder);
        File.WriteAllBytes(Path.Combine(_folder, "unet", "model.onnx"), [1, 2, 4]);
        File.SetLastWriteTimeUtc(Path.Combine(_folder, "unet", "model.onnx"), DateTime.UtcNow.AddMinutes(1));
        string afterWeights = ModelFingerprint.Compute(_folder);

        Assert.That(first, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(afterVectors, Is.EqualTo(first));
        Assert.That(afterWeights, Is.Not.EqualTo(first));
    }

    [Test]
    public void A_missing_folder_is_named()
    {
        var e = Assert.Throws<RealtimeGenException>(() => ModelFingerprint.Compute(Path.Combine(_folder, "nope")));
        Assert.That(e!.Message, Does.Contain("nope"));
    }
}
