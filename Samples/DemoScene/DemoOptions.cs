using System.Globalization;
using RealtimeGen.Engine.Platform;

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
          --help              this text

        Headless runs write DIR/first-frame.png, DIR/last-frame.png and DIR/frame-stats.json.
        In a window: Esc quits.
        """;

    public GraphicsContextMode Mode { get; init; } = GraphicsContextMode.Auto;

    public long? Frames { get; init; }

    public string OutputDirectory { get; init; } = Path.Combine("out", "demo");

    public int? Width { get; init; }

    public int? Height { get; init; }

    public bool VSync { get; init; } = true;

    public bool ShowHelp { get; init; }

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

    private static bool OnOff(string option, string value) => value switch
    {
        "on" => true,
        "off" => false,
        _ => throw new FormatException($"option '{option}' expects 'on' or 'off', got '{value}'"),
    };
}
