using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Tests.Plugin.Assets;

public class AssetCacheTests
{
    private string _root = "";

    [SetUp]
    public void CreateFolder() => _root = Path.Combine(Path.GetTempPath(), "rtg-cache-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void RemoveFolder()
    {
        if (Directory.Exists(_root))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            Directory.Delete(_root, recursive: true);
        }
    }

    internal static AssetKey Key(string prompt = "red brick wall", long seed = 1) =>
        AssetKey.For(new GenerationRequest { Prompt = prompt, Seed = seed, Width = 128, Height = 128, Seamless = true }, new string('a', 64), true);

    internal static AssetImages Images(int seed)
    {
        var albedo = new byte[32 * 32 * 4];
        new Random(seed).NextBytes(albedo);
        return AssetImages.FromAlbedo(albedo, 32, 32, wrap: true);
    }

    [Test]
    public void A_stored_entry_is_found_with_identical_files_and_named_by_hash_only()
    {
        var cache = new AssetCache(_root);
        AssetKey key = Key("../../etc/passwd \" <script>");
        Assert.That(cache.TryGet(key, out _), Is.False);

        AssetImages images = Images(1);
        cache.Put(key, images);
        Assert.That(cache.TryGet(key, out AssetEntry? entry), Is.True);
        Image albedo = ImageFile.Load(entry!.AlbedoPath);
        Assert.That(albedo.Pixels.ToArray(), Is.EqualTo(images.Albedo));
        Assert.That(ImageFile.Load(entry.NormalPath).Pixels.ToArray(), Is.EqualTo(images.Normal));
        Assert.That(Path.GetFileName(entry.Folder), Does.Match("^[0-9a-f]{64}$"));
        Assert.That(Path.GetFullPath(entry.Folder), Does.StartWith(_root + Path.DirectorySeparatorChar));
        Assert.That(File.ReadAllText(entry.MetadataPath), Does.Contain("\"seed\": 1").And.Contain(key.Hash));
    }

    [Test]
    public void Every_field_of_the_key_changes_the_hash()
    {
        var request = new GenerationRequest { Prompt = "p", Seed = 1, Width = 128, Height = 128 };
        string model = new('a', 64);
        string baseline = AssetKey.For(request, model, true).Hash;
        var init = InitImage.FromRgba(new byte[128 * 128 * 4], 128, 128, 128, 128);
        GenerationRequest[] variants =
        [
            request with { Prompt = "q" }, request with { NegativePrompt = "n" }, request with { Seed = 2 },
            request with { Steps = 5 }, request with { Width = 256 }, request with { Height = 256 },
            request with { Seamless = true }, request with { GuidanceScale = 7 }, request with { InitImage = init },
            request with { GuidanceScale = 8.5 },
        ];
        var hashes = new HashSet<string> { baseline, AssetKey.For(request, new string('b', 64), true).Hash, AssetKey.For(request, model, false).Hash };
        foreach (GenerationRequest variant in variants)
        {
            hashes.Add(AssetKey.For(variant, model, true).Hash);
        }

        hashes.Add(AssetKey.For(request with { InitImage = init, Strength = 0.3 }, model, true).Hash);
        Assert.That(hashes, Has.Count.EqualTo(variants.Length + 4));
    }

    [Test]
    public void A_corrupt_entry_is_detected_removed_and_can_be_stored_again()
    {
        var cache = new AssetCache(_root);
        AssetKey key = Key();
        AssetEntry entry = cache.Put(key, Images(2));
        byte[] bytes = File.ReadAllBytes(entry.NormalPath);
        bytes[^20] ^= 0xFF;
        File.WriteAllBytes(entry.NormalPath, bytes);

        Assert.That(cache.TryGet(key, out _), Is.False);
        Assert.That(Directory.Exists(entry.Folder), Is.False);
        cache.Put(key, Images(2));
        Assert.That(cache.TryGet(key, out _), Is.True);
    }

    [Test]
    public void Truncated_metadata_counts_as_corrupt()
    {
        var cache = new AssetCache(_root);
        AssetKey key = Key();
        AssetEntry entry = cache.Put(key, Images(3));
        File.WriteAllText(entry.MetadataPath, "{\"hash\": ");
        Assert.That(cache.TryGet(key, out _), Is.False);
    }

    [Test]
    public void Least_recently_used_entries_are_evicted_beyond_the_cap()
    {
        var probe = new AssetCache(_root);
        long entryBytes = new DirectoryInfo(probe.Put(Key("probe"), Images(4)).Folder).EnumerateFiles().Sum(f => f.Length);
        Directory.Delete(_root, recursive: true);

        var cache = new AssetCache(_root, (entryBytes * 3) + (entryBytes / 2));
        AssetKey a = Key("a"), b = Key("b"), c = Key("c"), d = Key("d");
        cache.Put(a, Images(4));
        cache.Put(b, Images(4));
        cache.Put(c, Images(4));
        File.SetLastWriteTimeUtc(Path.Combine(cache.FolderOf(a), AssetEntry.MetadataFile), DateTime.UtcNow.AddMinutes(-30));
        File.SetLastWriteTimeUtc(Path.Combine(cache.FolderOf(b), AssetEntry.MetadataFile), DateTime.UtcNow.AddMinutes(-20));
        File.SetLastWriteTimeUtc(Path.Combine(cache.FolderOf(c), AssetEntry.MetadataFile), DateTime.UtcNow.AddMinutes(-10));
        Assert.That(cache.TryGet(a, out _), Is.True, "a hit makes a the most recently used");

        cache.Put(d, Images(4));
        Assert.Multiple(() =>
        {
            Assert.That(cache.TryGet(b, out _), Is.False, "b was least recently used");
            Assert.That(cache.TryGet(a, out _), Is.True);
            Assert.That(cache.TryGet(c, out _), Is.True);
            Assert.That(cache.TryGet(d, out _), Is.True);
            Assert.That(cache.SizeBytes(), Is.LessThanOrEqualTo(cache.MaxBytes));
        });
    }

    [Test]
    public void A_read_only_cache_folder_gives_a_clear_error()
    {
        Directory.CreateDirectory(_root);
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Read-only folders are set up with Unix permissions.");
            return;
        }

        File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        string folder = Path.Combine(_root, "cache");
        if (CanWrite(_root))
        {
            // Root ignores permission bits; sysfs is mounted read-only for everyone.
            folder = "/sys/rtg-asset-cache";
            if (CanWrite("/sys"))
            {
                Assert.Ignore("Running with privileges that ignore read-only folders, and no read-only mount is available.");
            }
        }

        var e = Assert.Throws<RealtimeGenException>(() => _ = new AssetCache(folder));
        Assert.That(e!.Message, Does.Contain(folder).And.Contain("not writable"));
    }

    [Test]
    public void A_cache_that_need_not_be_writable_opens_read_only_and_refuses_writes_clearly()
    {
        var writable = new AssetCache(_root, requireWritable: false);
        Assert.That(writable.WriteProblem, Is.Null);

        // Root ignores permission bits; sysfs is mounted read-only for everyone.
        string folder = "/sys/rtg-asset-cache-read-only";
        if (OperatingSystem.IsWindows() || CanWrite("/sys"))
        {
            Assert.Ignore("Needs a read-only mount (/sys on Linux) that this process cannot write.");
            return;
        }

        var cache = new AssetCache(folder, requireWritable: false);
        Assert.Multiple(() =>
        {
            Assert.That(cache.WriteProblem, Does.Contain(folder).And.Contain("not writable"));
            Assert.That(cache.TryGet(Key(), out _), Is.False);
            Assert.That(() => cache.Put(Key(), Images(1)), Throws.TypeOf<RealtimeGenException>().With.Message.Contains(folder));
        });
    }

    [Test]
    public void Concurrent_writers_of_the_same_entries_leave_only_sound_entries()
    {
        var cache = new AssetCache(_root);
        AssetKey[] keys = [.. Enumerable.Range(0, 6).Select(i => Key("k" + i))];
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        Thread[] writers = [.. Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            try
            {
                var own = new AssetCache(_root);
                for (int round = 0; round < 5; round++)
                {
                    foreach (AssetKey key in keys)
                    {
                        if (!own.TryGet(key, out _))
                        {
                            own.Put(key, Images(key.Prompt.Length));
                        }
                    }
                }
            }
            catch (Exception e) when (e is RealtimeGenException or IOException)
            {
                errors.Enqueue(e);
            }
        }))];
        foreach (Thread writer in writers)
        {
            writer.Start();
        }

        foreach (Thread writer in writers)
        {
            writer.Join();
        }

        Assert.That(errors, Is.Empty);
        foreach (AssetKey key in keys)
        {
            Assert.That(cache.TryGet(key, out _), Is.True, key.Prompt);
        }

        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(_root, ".tmp")), Is.Empty, "no temp folders left behind");
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            string probe = Path.Combine(folder, "probe-" + Guid.NewGuid().ToString("N"));
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
