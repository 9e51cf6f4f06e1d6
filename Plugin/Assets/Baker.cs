using System.Diagnostics;
using System.Globalization;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Plugin.Assets;

/// <summary>
/// Bakes a <see cref="BakeManifest"/> into a folder: each asset is looked up in the <see cref="AssetCache"/> and
/// generated (albedo through the pipeline, maps from the albedo) only on a miss, then exported as NAME.png,
/// NAME_normal.png, NAME_height.png, NAME_roughness.png and NAME.json. Every finished asset is in the cache, so a run
/// that was interrupted resumes where it stopped, and a second run of the same manifest does no inference at all
/// (the pipeline is not even opened).
/// </summary>
/// <remarks>Not thread-safe (the pipeline is not); separate bakers may share one cache folder, even across processes.</remarks>
public sealed class Baker
{
    private readonly AssetCache _cache;
    private readonly Lazy<LcmPipeline> _pipeline;
    private readonly string _modelHash;
    private readonly bool _watermarked;

    /// <summary>Creates a baker.</summary>
    /// <param name="cache">The cache to read and fill.</param>
    /// <param name="pipeline">Opens the pipeline on the first miss; the caller disposes it if it was created.</param>
    /// <param name="modelHash">The model's <see cref="ModelFingerprint"/>.</param>
    /// <param name="watermarked">Whether the pipeline marks its output (part of the key).</param>
    public Baker(AssetCache cache, Lazy<LcmPipeline> pipeline, string modelHash, bool watermarked)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentException.ThrowIfNullOrEmpty(modelHash);
        _cache = cache;
        _pipeline = pipeline;
        _modelHash = modelHash;
        _watermarked = watermarked;
    }

    /// <summary>Assets this baker has generated (ran inference for) over its lifetime.</summary>
    public int GeneratedCount { get; private set; }

    /// <summary>The cache key of <paramref name="asset"/> (loading its init image, if any).</summary>
    public AssetKey KeyOf(BakeAsset asset, string manifestSource) => AssetKey.For(Request(asset, manifestSource), _modelHash, _watermarked);

    /// <summary>Bakes every asset of <paramref name="manifest"/> into <paramref name="outputDirectory"/>.</summary>
    /// <param name="manifest">What to bake.</param>
    /// <param name="outputDirectory">Created if needed; files are replaced.</param>
    /// <param name="progress">Receives a progress bar (carriage-return updated) and a final newline; null for none.</param>
    /// <param name="cancellationToken">Stops between assets and inside a generation; finished assets stay cached.</param>
    /// <exception cref="RealtimeGenException">An init image cannot be read, or the cache or output cannot be written.</exception>
    public BakeResult Bake(BakeManifest manifest, string outputDirectory, TextWriter? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            Directory.CreateDirectory(outputDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RealtimeGenException($"Cannot create the output folder {outputDirectory}: {e.Message}", e);
        }

        int cached = 0;
        int generated = 0;
        var files = new List<string>();
        int total = manifest.Assets.Count;
        Draw(progress, 0, total, "");
        for (int i = 0; i < total; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BakeAsset asset = manifest.Assets[i];
            GenerationRequest request = Request(asset, manifest.Source);
            AssetKey key = AssetKey.For(request, _modelHash, _watermarked);
            string state;
            if (_cache.TryGet(key, out AssetEntry? entry))
            {
                cached++;
                state = "cached";
            }
            else
            {
                long start = Stopwatch.GetTimestamp();
                byte[] albedo = _pipeline.Value.Generate(request with { BatchSize = 1 }, null, cancellationToken);
                AssetImages images = AssetImages.FromAlbedo(albedo, request.Width, request.Height, request.Seamless);
                entry = _cache.Put(key, images);
                generated++;
                GeneratedCount++;
                state = string.Create(CultureInfo.InvariantCulture, $"generated in {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s");
            }

            Export(entry, asset.Name, outputDirectory, files);
            Draw(progress, i + 1, total, $"{asset.Name} ({state})");
        }

        progress?.WriteLine();
        return new BakeResult(total, cached, generated, stopwatch.Elapsed, files);
    }

    private static GenerationRequest Request(BakeAsset asset, string source)
    {
        if (asset.InitImagePath is not { } path)
        {
            return asset.Request;
        }

        try
        {
            return asset.Request with { InitImage = InitImage.Load(path, asset.Request.Width, asset.Request.Height) };
        }
        catch (RealtimeGenException e)
        {
            throw new RealtimeGenException(
                string.Create(CultureInfo.InvariantCulture, $"{source} line {asset.Line}: asset \"{asset.Name}\" has an unreadable init image: {e.Message}"), e);
        }
    }

    private static void Export(AssetEntry entry, string name, string outputDirectory, List<string> files)
    {
        (string From, string To)[] copies =
        [
            (entry.AlbedoPath, name + ".png"),
            (entry.NormalPath, name + "_normal.png"),
            (entry.HeightPath, name + "_height.png"),
            (entry.RoughnessPath, name + "_roughness.png"),
            (entry.MetadataPath, name + ".json"),
        ];
        foreach ((string from, string to) in copies)
        {
            string target = Path.Combine(outputDirectory, to);
            string temp = Path.Combine(outputDirectory, "." + to + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.Copy(from, temp);
                File.Move(temp, target, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                File.Delete(temp);
                throw new RealtimeGenException($"Cannot write {target}: {e.Message}", e);
            }

            files.Add(target);
        }
    }

    private static void Draw(TextWriter? progress, int done, int total, string what)
    {
        if (progress is not null)
        {
            ProgressBar.Draw(progress, done, total, what);
        }
    }
}
