using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RealtimeGen.Tests.Support;

/// <summary>An Xvfb X server started for one test, with DISPLAY pointed at it in the native environment (where
/// GLFW reads it; .NET's Environment.SetEnvironmentVariable does not reach native code). Dispose stops the server
/// and restores DISPLAY.</summary>
public sealed partial class VirtualDisplay : IDisposable
{
    public const string XvfbPath = "/usr/bin/Xvfb";

    private readonly Process _server;
    private readonly string? _previousDisplay;

    private VirtualDisplay(Process server, string name, string? previousDisplay)
    {
        _server = server;
        Name = name;
        _previousDisplay = previousDisplay;
    }

    public string Name { get; }

    public static bool IsAvailable => File.Exists(XvfbPath);

    public static VirtualDisplay Start()
    {
        int number = 90;
        while (File.Exists($"/tmp/.X11-unix/X{number}") || File.Exists($"/tmp/.X{number}-lock"))
        {
            number++;
        }

        var server = Process.Start(new ProcessStartInfo(XvfbPath, $":{number} -screen 0 640x480x24 -nolisten tcp")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("Xvfb did not start.");
        server.ErrorDataReceived += (_, _) => { };
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();

        var clock = Stopwatch.StartNew();
        while (!File.Exists($"/tmp/.X11-unix/X{number}"))
        {
            if (server.HasExited || clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                if (!server.HasExited)
                {
                    server.Kill();
                }

                throw new InvalidOperationException($"Xvfb :{number} did not come up (exited: {server.HasExited}).");
            }

            Thread.Sleep(20);
        }

        string? previous = Environment.GetEnvironmentVariable("DISPLAY");
        _ = SetEnv("DISPLAY", $":{number}", 1);
        return new VirtualDisplay(server, $":{number}", previous);
    }

    public void Dispose()
    {
        _ = _previousDisplay is null ? UnsetEnv("DISPLAY") : SetEnv("DISPLAY", _previousDisplay, 1);
        // SIGTERM lets Xvfb remove its socket and lock file; SIGKILL would leave them behind.
        if (!_server.HasExited && (Kill(_server.Id, SigTerm) != 0 || !_server.WaitForExit(TimeSpan.FromSeconds(5))))
        {
            _server.Kill();
            _server.WaitForExit();
        }

        _server.Dispose();
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int processId, int signal);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnsetEnv(string name);
}
