using System.Globalization;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Plugin.ExternalMemory;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>The demo's command line.</summary>
internal sealed record DemoOptions
{
    public const string Usage = """
        RealtimeGen demo scene

        usage: RealtimeGen.DemoScene [options]

          --headless          render offscreen (EGL) even when a display exists
          --windowed          open a window; fails clearly when there is no display
          --frames N          frames to run headless (default 180); in a window, stop after N frames
          --out DIR           where headless runs write screenshots and frame stats (default out/demo)
          --width W --height H  framebuffer size (default 1280x720 windowed, 960x540 headless)
          --vsync on|off      wait for vertical blank in a window (default on)
          --script FILE       timed prompt changes, one '<seconds> <object> <prompt>' per line
                              (default: the built-in script; objects 0-3 spin, 4 is the floor)
          --model DIR         model package (default: Models/rtg-texture-lcm of this repository)
          --no-generation     checkerboard textures only
          --cache DIR         asset cache (the one `realtimegen bake` fills): a texture generated once
                              appears without inference the next time (default: no cache)
          --texture-sink S    how generated pixels reach textures: staging (default; CPU staging
                              buffers), external (Vulkan memory GL imports; falls back to staging,
                              with the reason logged, where this machine has none) or auto
          --bench             frame-pacing benchmark: no generation, streamed, synchronous
          --bench-frames N    frames per benchmark run (default 600)
          --help              this text

        Headless runs play the script and write DIR/first-frame.png, DIR/last-frame.png,
        DIR/frame-stats.json, and DIR/contact-sheet.png with DIR/contact-sheet.txt (what each cell
        shows: preview step k of n, or final). Without --frames they run until the script's
        textures are final.
        In a window: Tab selects the next object, typing edits its prompt (shown in the title bar),
        Backspace deletes, Enter regenerates; Esc quits.
        """;

    public GraphicsContextMode Mode { get; init; } = GraphicsContextMode.Auto;

    public long? Frames { get; init; }

    public string OutputDirectory { get; init; } = Path.Combine("out", "demo");

    public int? Width { get; init; }

    public int? Height { get; init; }

    public bool VSync { get; init; } = true;

    public bool ShowHelp { get; init; }

    public string? ScriptPath { get; init; }

    public string? ModelDirectory { get; init; }

    public bool Generate { get; init; } = true;

    public string? CacheDirectory { get; init; }

    public bool Bench { get; init; }

    public TextureSinkKind TextureSink { get; init; } = TextureSinkKind.CpuStaging;

    public int BenchFrames { get; init; } = 600;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="FormatException"/> naming the bad argument.</summary>
    public static DemoOptions Parse(IReadOnlyList<string> args)
    {
        var options = new DemoOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            options = arg switch
            {
                "--headless" => options with { Mode = GraphicsContextMode.Headless },
                "--windowed" => options with { Mode = GraphicsContextMode.Windowed },
                "--frames" => options with { Frames = PositiveInt(arg, Next(args, ref i)) },
                "--out" => options with { OutputDirectory = Next(args, ref i) },
                "--width" => options with { Width = PositiveInt(arg, Next(args, ref i)) },
                "--height" => options with { Height = PositiveInt(arg, Next(args, ref i)) },
                "--vsync" => options with { VSync = OnOff(arg, Next(args, ref i)) },
                "--script" => options with { ScriptPath = Next(args, ref i) },
                "--model" => options with { ModelDirectory = Next(args, ref i) },
                "--no-generation" => options with { Generate = false },
                "--cache" => options with { CacheDirectory = Next(args, ref i) },
                "--bench" => options with { Bench = true },
                "--texture-sink" => options with { TextureSink = Sink(arg, Next(args, ref i)) },
                "--bench-frames" => options with { BenchFrames = PositiveInt(arg, Next(args, ref i)) },
                "--help" or "-h" => options with { ShowHelp = true },
                _ => throw new FormatException($"unknown option '{arg}' (see --help)"),
            };
        }

        return options;
    }

    private static string Next(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count)
        {
            throw new FormatException($"option '{args[i]}' needs a value (see --help)");
        }

        return args[++i];
    }

    private static int PositiveInt(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new FormatException($"option '{option}' expects a positive whole number, got '{value}'");

    private static TextureSinkKind Sink(string option, string value)
    {
        try
        {
            return TextureSinkSelector.Parse(value);
        }
        catch (RealtimeGenException e)
        {
            throw new FormatException($"option '{option}': {e.Message}", e);
        }
    }

    private static bool OnOff(string option, string value) => value switch
    {
        "on" => true,
        "off" => false,
        _ => throw new FormatException($"option '{option}' expects 'on' or 'off', got '{value}'"),
    };
}
