using System.Text.Json.Nodes;
using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Tests.Plugin.Models;

namespace RealtimeGen.Tests.Plugin.Pipeline;

/// <summary>A request that names no guidance scale runs at the package's recommended one.</summary>
public class PackageGuidanceTests
{
    private const double Recommended = 3.0;
    private string _package = "";
    private LcmPipeline _pipeline = null!;

    [OneTimeSetUp]
    public void CreatePackage()
    {
        _package = ShippedModel.CopyToTemp();
        ModelPackageTests.WriteOurs(_package, new JsonObject { ["guidance_scale"] = Recommended });
        _pipeline = LcmPipeline.Load(_package, new LcmPipelineOptions { Inference = new InferenceOptions { IntraOpThreads = 1 }, Watermark = false });
    }

    [OneTimeTearDown]
    public void RemovePackage()
    {
        _pipeline.Dispose();
        Directory.Delete(_package, recursive: true);
    }

    [Test]
    public void No_guidance_scale_means_the_package_recommendation()
    {
        var request = new GenerationRequest { Prompt = "mossy red brick wall", Steps = 2, Width = 32, Height = 32, Seed = 9 };
        Assert.That(request.GuidanceScale, Is.Null);
        Assert.That(_pipeline.GuidanceOf(request), Is.EqualTo(Recommended));
        byte[] unset = Generate(request);
        Assert.That(unset, Is.EqualTo(Generate(request with { GuidanceScale = Recommended })));
        Assert.That(unset, Is.Not.EqualTo(Generate(request with { GuidanceScale = 8.5 })),
            "the guidance embedding must reach the UNet, or this test could not tell the scales apart");
    }

    [Test]
    public void An_explicit_scale_wins_and_a_bad_one_names_the_default()
    {
        var request = new GenerationRequest { Prompt = "grass", Steps = 1, Width = 32, Height = 32, GuidanceScale = 5 };
        Assert.That(_pipeline.GuidanceOf(request), Is.EqualTo(5));
        var e = Assert.Throws<RealtimeGenException>(() => Generate(request with { GuidanceScale = double.NaN }));
        Assert.That(e!.Message, Does.Contain("between 0 and 100").And.Contain("(3)"));
    }

    private byte[] Generate(GenerationRequest request)
    {
        var rgba = new byte[LcmPipeline.RgbaByteCount(request)];
        _pipeline.Generate(request, rgba, default, null, null);
        return rgba;
    }
}
