using System.Text;
using NUnit.Framework;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Tests.Plugin.Assets;

public class AssetLibraryTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "rtg-library-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    private static LcmPipeline Open() =>
        LcmPipeline.Load(ShippedModel.Directory, new LcmPipelineOptions { Inference = new InferenceOptions { IntraOpThreads = 1 } });

    [Test]
    public void A_texture_seen_once_comes_from_the_cache_the_next_time()
    {
        using LcmPipeline pipeline = Open();
        var request = new GenerationRequest { Prompt = "granite", Seed = 4, Width = 128, Height = 128, Seamless = true, Steps = 2 };
        var first = new AssetLibrary(new AssetCache(Path.Combine(_folder, "cache")), pipeline);
        Assert.That(first.TryLoad(request, out _), Is.False);
        AssetImages generated = first.GetOrGenerate(request);

        var later = new AssetLibrary(new AssetCache(Path.Combine(_folder, "cache")), pipeline);
        AssetImages again = later.GetOrGenerate(request);

        Assert.That((first.GeneratedCount, later.GeneratedCount), Is.EqualTo((1, 0)));
        Assert.That(again.Albedo, Is.EqualTo(generated.Albedo));
        Assert.That(again.Normal, Is.EqualTo(generated.Normal));
        Assert.That(generated.Albedo, Is.EqualTo(pipeline.Generate(request)));
    }

    [Test]
    public void Assets_baked_by_the_cli_manifest_are_hits_for_the_game()
    {
        using LcmPipeline pipeline = Open();
        string manifestPath = Path.Combine(_folder, "bake.json");
        File.WriteAllText(manifestPath, "{ \"assets\": [ { \"name\": \"wall\", \"prompt\": \"plaster wall\", \"size\": 128, \"steps\": 2, \"seed\": 3 } ] }", Encoding.UTF8);
        BakeManifest manifest = BakeManifest.Load(manifestPath);
        var cache = new AssetCache(Path.Combine(_folder, "cache"));
        new Baker(cache, new Lazy<LcmPipeline>(pipeline), ModelFingerprint.Compute(ShippedModel.Directory), watermarked: true)
            .Bake(manifest, Path.Combine(_folder, "out"));

        var library = new AssetLibrary(cache, pipeline);
        Assert.That(library.TryLoad(manifest.Assets[0].Request, out AssetImages? images), Is.True);
        Assert.That(images!.Width, Is.EqualTo(128));
    }
}
