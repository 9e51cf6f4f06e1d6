using System.Diagnostics.CodeAnalysis;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Plugin.Assets;

/// <summary>
/// The game's view of the <see cref="AssetCache"/> that <c>realtimegen bake</c> fills: a texture generated (or
/// baked) once is loaded from disk the next time it is asked for, without inference; a miss is generated, its maps
/// derived, and stored for next time. Keys are those of the <see cref="Baker"/>, so baked assets are hits here.
/// </summary>
/// <remarks>Not thread-safe (the pipeline is not): use it from the generation worker, never the render thread.</remarks>
public sealed class AssetLibrary
{
    private readonly AssetCache _cache;
    private readonly LcmPipeline _pipeline;
    private readonly string _modelHash;

    /// <summary>Serves <paramref name="pipeline"/>'s textures through <paramref name="cache"/>.</summary>
    public AssetLibrary(AssetCache cache, LcmPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(pipeline);
        _cache = cache;
        _pipeline = pipeline;
        _modelHash = ModelFingerprint.Compute(pipeline.Package.Directory);
    }

    /// <summary>Textures this library generated (cache misses).</summary>
    public int GeneratedCount { get; private set; }

    /// <summary>The cache key of <paramref name="request"/> for this pipeline.</summary>
    public AssetKey KeyOf(GenerationRequest request) => AssetKey.For(request, _modelHash, _pipeline.Options.Watermark);

    /// <summary>Loads <paramref name="request"/>'s texture set from the cache; false on a miss (nothing is generated).</summary>
    public bool TryLoad(GenerationRequest request, [NotNullWhen(true)] out AssetImages? images)
    {
        images = null;
        if (!_cache.TryGet(KeyOf(request), out AssetEntry? entry))
        {
            return false;
        }

        try
        {
            Image albedo = ImageFile.Load(entry.AlbedoPath);
            Image normal = ImageFile.Load(entry.NormalPath);
            Image height = ImageFile.Load(entry.HeightPath);
            Image roughness = ImageFile.Load(entry.RoughnessPath);
            images = new AssetImages(
                albedo.Width, albedo.Height, albedo.Pixels.ToArray(), normal.Pixels.ToArray(), height.Pixels.ToArray(), roughness.Pixels.ToArray());
            return true;
        }
        catch (RealtimeGenException)
        {
            // Evicted or replaced between the check and the read: a miss.
            return false;
        }
    }

    /// <summary>The texture set of <paramref name="request"/> (batch 1): from the cache, else generated and stored.</summary>
    public AssetImages GetOrGenerate(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (TryLoad(request, out AssetImages? cached))
        {
            return cached;
        }

        GenerationRequest single = request with { BatchSize = 1 };
        byte[] albedo = _pipeline.Generate(single, null, cancellationToken);
        AssetImages images = AssetImages.FromAlbedo(albedo, single.Width, single.Height, single.Seamless);
        _cache.Put(KeyOf(single), images);
        GeneratedCount++;
        return images;
    }
}
