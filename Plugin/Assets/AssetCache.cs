using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Plugin.Assets;

/// <summary>
/// A content-addressed asset cache on disk: ROOT/ab/abcdef…/ (the key's SHA-256) holds the PNG set and meta.json
/// with the key's fields and each file's SHA-256. A hit is verified against those hashes; a corrupt entry is
/// removed and reported as a miss so that it is regenerated. Entries are written into ROOT/.tmp and renamed into
/// place in one step, so concurrent writers (threads or processes) never leave a half-written entry; the total size
/// is capped by evicting the least recently used entries.
/// </summary>
/// <remarks>Thread-safe and safe across processes sharing the folder.</remarks>
public sealed class AssetCache
{
    /// <summary>Default size cap: 1 GiB.</summary>
    public const long DefaultMaxBytes = 1L << 30;

    private const string TempFolder = ".tmp";
    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = 8 };
    private readonly ILogger _logger;

    /// <summary>Opens (creating it if needed) the cache in <paramref name="root"/>.</summary>
    /// <param name="root">The cache folder.</param>
    /// <param name="maxBytes">Size cap.</param>
    /// <param name="logger">Log; none when null.</param>
    /// <param name="requireWritable">Throw when the folder cannot be written. When false, a folder that cannot be written
    /// is opened for reading only (e.g. a baked cache shipped on read-only media): <see cref="WriteProblem"/> says why,
    /// and <see cref="Put"/> throws.</param>
    /// <exception cref="RealtimeGenException">The folder cannot be created or is not writable, and
    /// <paramref name="requireWritable"/> is true.</exception>
    public AssetCache(string root, long maxBytes = DefaultMaxBytes, ILogger? logger = null, bool requireWritable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        Root = Path.GetFullPath(root);
        MaxBytes = maxBytes;
        _logger = logger ?? NullLogger.Instance;
        try
        {
            Directory.CreateDirectory(Path.Combine(Root, TempFolder));
            string probe = Path.Combine(Root, TempFolder, "probe-" + Guid.NewGuid().ToString("N"));
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteProblem = $"Asset cache folder {Root} is not writable ({e.Message}). Choose a writable folder (--cache DIR) or fix its permissions.";
            if (requireWritable)
            {
                throw new RealtimeGenException(WriteProblem, e);
            }
        }
    }

    /// <summary>Why the folder could not be written when the cache was opened, or null when it could.</summary>
    public string? WriteProblem { get; }

    /// <summary>The cache folder.</summary>
    public string Root { get; }

    /// <summary>Size cap in bytes.</summary>
    public long MaxBytes { get; }

    /// <summary>The folder an entry for <paramref name="key"/> lives in.</summary>
    public string FolderOf(AssetKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        string hash = key.Hash;
        return Path.Combine(Root, hash[..2], hash);
    }

    /// <summary>Looks up <paramref name="key"/>; a present but corrupt entry is removed and reported as a miss.</summary>
    public bool TryGet(AssetKey key, [NotNullWhen(true)] out AssetEntry? entry)
    {
        ArgumentNullException.ThrowIfNull(key);
        string hash = key.Hash;
        string folder = FolderOf(key);
        entry = null;
        if (!File.Exists(Path.Combine(folder, AssetEntry.MetadataFile)))
        {
            return false;
        }

        string? problem;
        try
        {
            problem = Verify(folder, hash);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Evicted or replaced by another process while we read it.
            return false;
        }

        if (problem is not null)
        {
            PluginLog.CacheEntryCorrupt(_logger, folder, problem);
            Remove(folder);
            return false;
        }

        try
        {
            File.SetLastWriteTimeUtc(Path.Combine(folder, AssetEntry.MetadataFile), DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The access time only orders eviction; a failure to record it is harmless.
        }

        entry = new AssetEntry(folder, hash);
        return true;
    }

    /// <summary>Stores <paramref name="images"/> under <paramref name="key"/> (replacing a corrupt entry) and
    /// evicts least recently used entries beyond the cap.</summary>
    /// <exception cref="RealtimeGenException">The cache folder cannot be written.</exception>
    public AssetEntry Put(AssetKey key, AssetImages images)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(images);
        string hash = key.Hash;
        string folder = FolderOf(key);
        string temp = Path.Combine(Root, TempFolder, hash[..8] + "-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(temp);
            var fileHashes = new Dictionary<string, string>(StringComparer.Ordinal);
            byte[][] maps = [images.Albedo, images.Normal, images.HeightMap, images.Roughness];
            for (int i = 0; i < maps.Length; i++)
            {
                using var png = new MemoryStream();
                // Fast deflate: the game stores entries on its generation worker, where encoding delays the next job.
                PngEncoder.Write(png, images.Width, images.Height, maps[i], System.IO.Compression.CompressionLevel.Fastest);
                byte[] bytes = png.ToArray();
                File.WriteAllBytes(Path.Combine(temp, AssetEntry.ImageFiles[i]), bytes);
                fileHashes[AssetEntry.ImageFiles[i]] = Convert.ToHexStringLower(SHA256.HashData(bytes));
            }

            File.WriteAllBytes(Path.Combine(temp, AssetEntry.MetadataFile), Metadata(key, hash, fileHashes));
            Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    Directory.Move(temp, folder);
                    break;
                }
                catch (IOException) when (Directory.Exists(folder) && attempt < 2)
                {
                    // Another writer got there first: keep its entry if it is sound, else replace it.
                    if (Verify(folder, hash) is null)
                    {
                        Remove(temp);
                        break;
                    }

                    Remove(folder);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Remove(temp);
            throw new RealtimeGenException($"Cannot write asset cache entry {folder}: {e.Message}. Check that {Root} is writable and has space.", e);
        }

        Trim(hash);
        return new AssetEntry(folder, hash);
    }

    /// <summary>Total bytes of all entries.</summary>
    public long SizeBytes() => Entries().Sum(e => e.Bytes);

    /// <summary>Evicts least recently used entries until the total is within <see cref="MaxBytes"/>; the entry
    /// <paramref name="keep"/> (a hash) is never evicted.</summary>
    public void Trim(string? keep = null)
    {
        List<(string Folder, long Bytes, DateTime Used)> entries = [.. Entries().OrderBy(e => e.Used)];
        long total = entries.Sum(e => e.Bytes);
        foreach ((string folder, long bytes, _) in entries)
        {
            if (total <= MaxBytes)
            {
                break;
            }

            if (keep is not null && Path.GetFileName(folder) == keep)
            {
                continue;
            }

            Remove(folder);
            total -= bytes;
            PluginLog.CacheEvicted(_logger, folder, bytes, MaxBytes);
        }
    }

    private List<(string Folder, long Bytes, DateTime Used)> Entries()
    {
        var found = new List<(string Folder, long Bytes, DateTime Used)>();
        foreach (string shard in SafeEnumerate(() => Directory.EnumerateDirectories(Root)))
        {
            if (Path.GetFileName(shard).Length != 2)
            {
                continue;
            }

            foreach (string folder in SafeEnumerate(() => Directory.EnumerateDirectories(shard)))
            {
                try
                {
                    var info = new DirectoryInfo(folder);
                    long bytes = info.EnumerateFiles().Sum(f => f.Length);
                    DateTime used = File.GetLastWriteTimeUtc(Path.Combine(folder, AssetEntry.MetadataFile));
                    found.Add((folder, bytes, used));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Removed concurrently.
                }
            }
        }

        return found;
    }

    private static IEnumerable<string> SafeEnumerate(Func<IEnumerable<string>> list)
    {
        try
        {
            return [.. list()];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    // Null when the entry's metadata names this key and every file matches its recorded SHA-256.
    private static string? Verify(string folder, string hash)
    {
        byte[] metadata = File.ReadAllBytes(Path.Combine(folder, AssetEntry.MetadataFile));
        try
        {
            using JsonDocument document = JsonDocument.Parse(metadata, ReadOptions);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("hash", out JsonElement recorded) || recorded.GetString() != hash)
            {
                return "metadata does not name this key";
            }

            if (!root.TryGetProperty("files", out JsonElement files) || files.ValueKind != JsonValueKind.Object)
            {
                return "metadata lists no files";
            }

            foreach (string name in AssetEntry.ImageFiles)
            {
                if (!files.TryGetProperty(name, out JsonElement expected) || expected.ValueKind != JsonValueKind.String)
                {
                    return $"metadata has no hash for {name}";
                }

                string path = Path.Combine(folder, name);
                if (!File.Exists(path))
                {
                    return $"{name} is missing";
                }

                string actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
                if (actual != expected.GetString())
                {
                    return $"{name} does not match its SHA-256";
                }
            }
        }
        catch (JsonException e)
        {
            return "metadata is not valid JSON: " + e.Message;
        }
        catch (InvalidOperationException e)
        {
            return "metadata has a field of the wrong type: " + e.Message;
        }

        return null;
    }

    // Rename first (atomic), then delete, so that readers never see a half-deleted entry under the real name.
    private void Remove(string folder)
    {
        try
        {
            if (!Directory.Exists(folder))
            {
                return;
            }

            string trash = Path.Combine(Root, TempFolder, "trash-" + Guid.NewGuid().ToString("N"));
            Directory.Move(folder, trash);
            Directory.Delete(trash, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Someone else removed or replaced it; nothing left to do.
        }
    }

    private static byte[] Metadata(AssetKey key, string hash, Dictionary<string, string> files)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("format", AssetKey.FormatVersion);
            writer.WriteString("hash", hash);
            writer.WriteStartObject("key");
            writer.WriteString("model", key.ModelHash);
            writer.WriteString("prompt", key.Prompt);
            writer.WriteString("negative", key.NegativePrompt);
            writer.WriteNumber("seed", key.Seed);
            writer.WriteNumber("steps", key.Steps);
            writer.WriteNumber("width", key.Width);
            writer.WriteNumber("height", key.Height);
            writer.WriteBoolean("seamless", key.Seamless);
            writer.WriteBoolean("seamlessRoll", key.SeamlessRoll);
            if (key.GuidanceScale is { } guidance)
            {
                writer.WriteNumber("guidance", guidance);
            }
            else
            {
                writer.WriteNull("guidance");
            }

            writer.WriteString("initImage", key.InitImageHash);
            writer.WriteNumber("strength", key.Strength);
            writer.WriteBoolean("watermarked", key.Watermarked);
            writer.WriteEndObject();
            writer.WriteStartObject("files");
            foreach ((string name, string fileHash) in files)
            {
                writer.WriteString(name, fileHash);
            }

            writer.WriteEndObject();
            writer.WriteString("created", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
