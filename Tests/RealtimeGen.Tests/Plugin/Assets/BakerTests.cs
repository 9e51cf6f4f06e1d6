using System.Text;
using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Inference;
using RealtimeGen.Plugin.Pipeline;
using RealtimeGen.Plugin.Watermarking;

namespace RealtimeGen.Tests.Plugin.Assets;

public class BakerTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "rtg-bake-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    private BakeManifest Manifest(int count, string extra = "")
    {
        var json = new StringBuilder("{\n\"defaults\": { \"size\": 128, \"steps\": 2 },\n\"assets\": [\n");
        for (int i = 0; i < count; i++)
        {
            json.Append($"{{ \"name\": \"asset{i}\", \"prompt\": \"stone {i}\", \"seed\": {i}{extra} }}{(i < count - 1 ? "," : "")}\n");
        }

        json.Append("]}\n");
        string path = Path.Combine(_folder, "bake.json");
        File.WriteAllText(path, json.ToString());
        return BakeManifest.Load(path);
    }

    private static LcmPipeline OpenMarked() =>
        LcmPipeline.Load(ShippedModel.Directory, new LcmPipelineOptions { Inference = new InferenceOptions { IntraOpThreads = 1 } });

    private Baker NewBaker(Lazy<LcmPipeline> pipeline) =>
        new(new AssetCache(Path.Combine(_folder, "cache")), pipeline, ModelFingerprint.Compute(ShippedModel.Directory), watermarked: true);

    [Test]
    public void A_second_bake_is_served_from_the_cache_without_opening_the_pipeline()
    {
        BakeManifest manifest = Manifest(3);
        using LcmPipeline pipeline = OpenMarked();
        BakeResult first = NewBaker(new Lazy<LcmPipeline>(pipeline)).Bake(manifest, Path.Combine(_folder, "out1"));
        var unopened = new Lazy<LcmPipeline>(() => throw new AssertionException("the pipeline was opened on a fully cached bake"));
        BakeResult second = NewBaker(unopened).Bake(manifest, Path.Combine(_folder, "out2"));

        Assert.That((first.Generated, first.Cached), Is.EqualTo((3, 0)));
        Assert.That((second.Generated, second.Cached), Is.EqualTo((0, 3)));
        Assert.That(unopened.IsValueCreated, Is.False);
        foreach (string name in new[] { "asset0.png", "asset0_normal.png", "asset0_height.png", "asset0_roughness.png", "asset0.json" })
        {
            Assert.That(File.ReadAllBytes(Path.Combine(_folder, "out2", name)), Is.EqualTo(File.ReadAllBytes(Path.Combine(_folder, "out1", name))), name);
        }
    }

    [Test]
    public void Baked_albedos_are_the_pipelines_output_and_carry_the_watermark()
    {
        BakeManifest manifest = Manifest(1);
        using LcmPipeline pipeline = OpenMarked();
        NewBaker(new Lazy<LcmPipeline>(pipeline)).Bake(manifest, Path.Combine(_folder, "out"));

        Image albedo = ImageFile.Load(Path.Combine(_folder, "out", "asset0.png"));
        byte[] direct = pipeline.Generate(manifest.Assets[0].Request);
        Assert.That(albedo.Pixels.ToArray(), Is.EqualTo(direct));
        WatermarkDetection mark = InvisibleWatermark.Detect(albedo.Pixels, albedo.Width, albedo.Height);
        Assert.That(mark.Found, Is.True);
        Assert.That(mark.Payload, Is.EqualTo(pipeline.WatermarkPayload));
    }

    [Test]
    public void A_corrupted_cache_entry_is_regenerated_by_the_next_bake()
    {
        BakeManifest manifest = Manifest(1);
        using LcmPipeline pipeline = OpenMarked();
        Baker baker = NewBaker(new Lazy<LcmPipeline>(pipeline));
        baker.Bake(manifest, Path.Combine(_folder, "out"));
        var cache = new AssetCache(Path.Combine(_folder, "cache"));
        string albedo = Path.Combine(cache.FolderOf(baker.KeyOf(manifest.Assets[0], manifest.Source)), "albedo.png");
        byte[] good = File.ReadAllBytes(albedo);
        File.WriteAllBytes(albedo, good[..(good.Length / 2)]);

        BakeResult again = NewBaker(new Lazy<LcmPipeline>(pipeline)).Bake(manifest, Path.Combine(_folder, "out"));
        Assert.That((again.Cached, again.Generated), Is.EqualTo((0, 1)));
        Assert.That(File.ReadAllBytes(albedo), Is.EqualTo(good));
    }

    [Test]
    public void An_interrupted_bake_resumes_with_the_assets_it_had_not_finished()
    {
        BakeManifest manifest = Manifest(4);
        using LcmPipeline pipeline = OpenMarked();
        using var cancellation = new CancellationTokenSource();
        var progress = new CancelAfter(2, cancellation);
        Assert.Throws<OperationCanceledException>(() =>
            NewBaker(new Lazy<LcmPipeline>(pipeline)).Bake(manifest, Path.Combine(_folder, "out"), progress, cancellation.Token));

        BakeResult resumed = NewBaker(new Lazy<LcmPipeline>(pipeline)).Bake(manifest, Path.Combine(_folder, "out"));
        Assert.That((resumed.Cached, resumed.Generated), Is.EqualTo((2, 2)));
    }

    [Test]
    public void An_unreadable_init_image_names_the_manifest_line_and_the_file()
    {
        string broken = Path.Combine(_folder, "broken.png");
        File.WriteAllText(broken, "not an image");
        BakeManifest manifest = Manifest(1, ", \"init\": \"broken.png\"");
        var baker = NewBaker(new Lazy<LcmPipeline>(OpenMarked));
        var e = Assert.Throws<RealtimeGenException>(() => baker.Bake(manifest, Path.Combine(_folder, "out")));
        Assert.That(e!.Message, Does.Contain("bake.json line 4").And.Contain("broken.png"));
    }

    [Test]
    public void Concurrent_bakes_into_one_cache_leave_every_entry_sound()
    {
        BakeManifest manifest = Manifest(4);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var results = new BakeResult[2];
        Thread[] bakers = [.. Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            try
            {
                using LcmPipeline pipeline = OpenMarked();
                results[t] = NewBaker(new Lazy<LcmPipeline>(pipeline)).Bake(manifest, Path.Combine(_folder, "out" + t));
            }
            catch (Exception e) when (e is RealtimeGenException or IOException)
            {
                errors.Enqueue(e);
            }
        }))];
        foreach (Thread baker in bakers)
        {
            baker.Start();
        }

        foreach (Thread baker in bakers)
        {
            baker.Join();
        }

        Assert.That(errors, Is.Empty);
        var cache = new AssetCache(Path.Combine(_folder, "cache"));
        var check = NewBaker(new Lazy<LcmPipeline>(() => throw new AssertionException("an entry was missing or corrupt")));
        foreach (BakeAsset asset in manifest.Assets)
        {
            Assert.That(cache.TryGet(check.KeyOf(asset, manifest.Source), out _), Is.True, asset.Name);
        }

        Assert.That(File.ReadAllBytes(Path.Combine(_folder, "out0", "asset3.png")), Is.EqualTo(File.ReadAllBytes(Path.Combine(_folder, "out1", "asset3.png"))));
    }

    [Test]
    public void Progress_shows_a_bar_with_counts_and_what_happened()
    {
        BakeManifest manifest = Manifest(2);
        using LcmPipeline pipeline = OpenMarked();
        using var progress = new StringWriter();
        NewBaker(new Lazy<LcmPipeline>(pipeline)).Bake(manifest, Path.Combine(_folder, "out"), progress);
        NewBaker(new Lazy<LcmPipeline>(pipeline)).Bake(manifest, Path.Combine(_folder, "out"), progress);
        string text = progress.ToString();
        Assert.That(text, Does.Contain("[##############################] 2/2 asset1 (generated in"));
        Assert.That(text, Does.Contain("2/2 asset1 (cached)"));
    }

    // Cancels once the bar shows `after` finished assets.
    private sealed class CancelAfter(int after, CancellationTokenSource source) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(string? value)
        {
            if (value is not null && value.Contains($" {after}/", StringComparison.Ordinal))
            {
                source.Cancel();
            }
        }
    }
}
