using Microsoft.Extensions.Logging;
using RealtimeGen.Plugin.Models;
using RealtimeGen.Plugin.Pipeline;

namespace RealtimeGen.Tests.Plugin;

/// <summary>
/// The shipped package at Models/rtg-texture-lcm, found by walking up from the test assembly to the folder
/// holding RealtimeGen.sln, and one pipeline over it shared by the tests (NUnit runs them one at a time).
/// </summary>
internal static class ShippedModel
{
    private static readonly Lazy<string> LazyRoot = new(FindRepositoryRoot);
    private static readonly Lazy<LcmPipeline> LazyPipeline = new(() => LcmPipeline.Load(
        Directory, new LcmPipelineOptions { Inference = new() { IntraOpThreads = 1 }, Watermark = false }));

    public static string RepositoryRoot => LazyRoot.Value;

    public static string Directory => Path.Combine(RepositoryRoot, "Models", ModelPackage.DefaultModelName);

    public static LcmPipeline Pipeline => LazyPipeline.Value;

    /// <summary>Copies the package (hard links would share corruption) into a fresh temp folder for bad-input tests.</summary>
    public static string CopyToTemp()
    {
        string target = Path.Combine(Path.GetTempPath(), "rtg-pkg-" + Guid.NewGuid().ToString("N"));
        foreach (string file in System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(Directory, file);
            if (relative.StartsWith("test_vectors", StringComparison.Ordinal))
            {
                continue;
            }

            string destination = Path.Combine(target, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RealtimeGen.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No RealtimeGen.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>Collects log messages so tests can check that something was logged.</summary>
internal sealed class ListLogger : ILogger
{
    public List<(LogLevel Level, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Add((logLevel, formatter(state, exception)));
}
