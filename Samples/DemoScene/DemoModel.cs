using RealtimeGen.Engine;
using RealtimeGen.Plugin.Models;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>Finds the shipped model package: Models/rtg-texture-lcm in the repository that holds the demo.</summary>
internal static class DemoModel
{
    /// <summary>The package folder given, or the shipped one found above the working directory or the demo's binaries.</summary>
    /// <exception cref="RealtimeGenException">No package there; the message says where it looked and what to do.</exception>
    public static string Locate(string? given)
    {
        if (given is not null)
        {
            return Directory.Exists(given)
                ? Path.GetFullPath(given)
                : throw new RealtimeGenException($"--model {given}: expected a model package folder; it does not exist.");
        }

        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, "Models", ModelPackage.DefaultModelName);
                if (File.Exists(Path.Combine(candidate, "model_index.json")))
                {
                    return candidate;
                }
            }
        }

        throw new RealtimeGenException(
            $"Expected the shipped model package at Models/{ModelPackage.DefaultModelName} above {Directory.GetCurrentDirectory()}; " +
            "none found. Pass --model DIR, or --no-generation to run the scene without generated textures.");
    }
}
