namespace RealtimeGen.Plugin.Assets;

/// <summary>A verified cache entry: its folder and the files in it.</summary>
/// <param name="Folder">The entry's folder (named by the key's hash).</param>
/// <param name="Hash">The key's hash.</param>
public sealed record AssetEntry(string Folder, string Hash)
{
    /// <summary>File names of an entry, in the order the maps are listed.</summary>
    public static readonly string[] ImageFiles = ["albedo.png", "normal.png", "height.png", "roughness.png"];

    /// <summary>The metadata file's name.</summary>
    public const string MetadataFile = "meta.json";

    /// <summary>Albedo PNG.</summary>
    public string AlbedoPath => Path.Combine(Folder, ImageFiles[0]);

    /// <summary>Normal map PNG.</summary>
    public string NormalPath => Path.Combine(Folder, ImageFiles[1]);

    /// <summary>Height map PNG.</summary>
    public string HeightPath => Path.Combine(Folder, ImageFiles[2]);

    /// <summary>Roughness PNG.</summary>
    public string RoughnessPath => Path.Combine(Folder, ImageFiles[3]);

    /// <summary>Metadata JSON (the key's fields, each file's SHA-256).</summary>
    public string MetadataPath => Path.Combine(Folder, MetadataFile);
}
