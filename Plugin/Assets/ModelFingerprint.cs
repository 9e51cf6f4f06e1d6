using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.Assets;

/// <summary>
/// The content hash of a model package: SHA-256 over every file's relative path, length and bytes, in ordinal
/// path order (test_vectors/ excluded: it does not change what the model generates). Two packages with the same
/// fingerprint generate the same textures.
/// </summary>
/// <remarks>Thread-safe. Results are remembered per folder while no file's size or write time changes.</remarks>
public static class ModelFingerprint
{
    private static readonly ConcurrentDictionary<string, (string Stamp, string Hash)> Known = new(StringComparer.Ordinal);

    /// <summary>Lowercase hex SHA-256 of the package in <paramref name="packageDirectory"/>.</summary>
    /// <exception cref="RealtimeGenException">The folder is missing or a file cannot be read.</exception>
    public static string Compute(string packageDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(packageDirectory);
        string root = Path.GetFullPath(packageDirectory);
        if (!Directory.Exists(root))
        {
            throw new RealtimeGenException($"Expected a model package folder at {root}; it does not exist.");
        }

        try
        {
            List<(string Relative, FileInfo File)> files = [.. Directory
                .EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Select(path => (Relative: Path.GetRelativePath(root, path).Replace('\\', '/'), File: new FileInfo(path)))
                .Where(entry => !entry.Relative.StartsWith("test_vectors/", StringComparison.Ordinal))
                .OrderBy(entry => entry.Relative, StringComparer.Ordinal)];
            var stamp = new StringBuilder();
            foreach ((string relative, FileInfo file) in files)
            {
                stamp.Append(relative).Append('|').Append(file.Length).Append('|').Append(file.LastWriteTimeUtc.Ticks).Append('\n');
            }

            string stampText = stamp.ToString();
            if (Known.TryGetValue(root, out var known) && known.Stamp == stampText)
            {
                return known.Hash;
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            Span<byte> length = stackalloc byte[8];
            byte[] buffer = new byte[1 << 20];
            foreach ((string relative, FileInfo file) in files)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(relative + "\0"));
                BitConverter.TryWriteBytes(length, file.Length);
                hash.AppendData(length);
                using FileStream stream = file.OpenRead();
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }
            }

            string result = Convert.ToHexStringLower(hash.GetHashAndReset());
            Known[root] = (stampText, result);
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RealtimeGenException($"{root}: cannot read the model package to fingerprint it: {e.Message}", e);
        }
    }
}
