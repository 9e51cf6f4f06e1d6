using System.Globalization;

namespace RealtimeGen.Samples.Cli;

/// <summary>
/// A small GNU-style parser: positional arguments, <c>--name value</c>, <c>--name=value</c> and
/// <c>--flag</c>; <c>--</c> ends options. Every option must be declared by the command.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];

    private CommandLine()
    {
    }

    /// <summary>Arguments that are not options, in order.</summary>
    public IReadOnlyList<string> Positionals => _positionals;

    /// <summary>
    /// The start every command shares: parses <paramref name="args"/>, prints <paramref name="help"/> for
    /// <c>--help</c> (and returns null), and checks the number of positional arguments.
    /// </summary>
    /// <param name="command">The command's name, for error messages.</param>
    /// <param name="args">The arguments after the command name.</param>
    /// <param name="valued">Options that take a value.</param>
    /// <param name="flags">Options that take none (<c>help</c> is one of them).</param>
    /// <param name="help">The command's usage text.</param>
    /// <param name="output">Where the usage text goes.</param>
    /// <param name="positional">What the one positional argument is (e.g. <c>IMAGE</c>); null when the command takes none.</param>
    /// <exception cref="UsageException">An unknown option, a missing value or the wrong number of positional arguments.</exception>
    public static CommandLine? ParseCommand(
        string command,
        IReadOnlyList<string> args,
        IReadOnlyCollection<string> valued,
        IReadOnlyCollection<string> flags,
        string help,
        TextWriter output,
        string? positional)
    {
        ArgumentNullException.ThrowIfNull(output);
        CommandLine line = Parse(args, valued, flags);
        if (line.Has("help"))
        {
            output.WriteLine(help);
            return null;
        }

        if (positional is null && line.Positionals.Count != 0)
        {
            throw new UsageException($"{command} takes no arguments; found \"{line.Positionals[0]}\". Options start with --.");
        }

        if (positional is not null && line.Positionals.Count != 1)
        {
            throw new UsageException($"{command} expects exactly one {positional}; found {line.Positionals.Count} arguments.");
        }

        return line;
    }

    /// <summary>Parses <paramref name="args"/> against the declared options.</summary>
    /// <param name="args">The arguments after the command name.</param>
    /// <param name="valued">Options that take a value.</param>
    /// <param name="flags">Options that take none.</param>
    /// <exception cref="UsageException">An unknown option or a missing value.</exception>
    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valued, IReadOnlyCollection<string> flags)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(valued);
        ArgumentNullException.ThrowIfNull(flags);
        var result = new CommandLine();
        bool optionsEnded = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (optionsEnded || !arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                if (arg == "--" && !optionsEnded)
                {
                    optionsEnded = true;
                    continue;
                }

                result._positionals.Add(arg);
                continue;
            }

            string name = arg[2..];
            string? inline = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                inline = name[(equals + 1)..];
                name = name[..equals];
            }

            if (flags.Contains(name))
            {
                if (inline is not null)
                {
                    throw new UsageException($"--{name} takes no value; found \"{inline}\".");
                }

                result._values[name] = null;
            }
            else if (valued.Contains(name))
            {
                if (inline is null)
                {
                    if (i + 1 >= args.Count)
                    {
                        throw new UsageException($"--{name} needs a value.");
                    }

                    inline = args[++i];
                }

                result._values[name] = inline;
            }
            else
            {
                throw new UsageException($"Unknown option --{name}.");
            }
        }

        return result;
    }

    /// <summary>Whether <c>--name</c> was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The value of <c>--name</c>, or <paramref name="fallback"/>.</summary>
    public string? Text(string name, string? fallback = null) => _values.TryGetValue(name, out string? v) ? v : fallback;

    /// <summary>An integer option within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <exception cref="UsageException">Not an integer or out of range.</exception>
    public int Int32Option(string name, int fallback, int min, int max)
    {
        if (!_values.TryGetValue(name, out string? text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            throw new UsageException($"--{name} expects an integer from {min} to {max}; found \"{text}\".");
        }

        return value;
    }

    /// <summary>A 64-bit integer option.</summary>
    /// <exception cref="UsageException">Not an integer.</exception>
    public long Int64Option(string name, long fallback)
    {
        if (!_values.TryGetValue(name, out string? text))
        {
            return fallback;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new UsageException($"--{name} expects an integer; found \"{text}\".");
    }

    /// <summary>A number option within [<paramref name="min"/>, <paramref name="max"/>], or null when not given.</summary>
    /// <exception cref="UsageException">Not a number or out of range.</exception>
    public double? OptionalNumber(string name, double min, double max) =>
        _values.ContainsKey(name) ? Number(name, double.NaN, min, max) : null;

    /// <summary>A number option within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <exception cref="UsageException">Not a number or out of range.</exception>
    public double Number(string name, double fallback, double min, double max)
    {
        if (!_values.TryGetValue(name, out string? text))
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= min && value <= max))
        {
            throw new UsageException($"--{name} expects a number from {min} to {max}; found \"{text}\".");
        }

        return value;
    }

    /// <summary>A size as <c>N</c> or <c>WxH</c>.</summary>
    /// <exception cref="UsageException">Malformed.</exception>
    public (int Width, int Height) Size(string name, int fallback)
    {
        if (!_values.TryGetValue(name, out string? text) || text is null)
        {
            return (fallback, fallback);
        }

        string[] parts = text.Split('x', 'X');
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int width)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int height))
        {
            return (width, height);
        }

        throw new UsageException($"--{name} expects N or WxH, e.g. 128 or 256x128; found \"{text}\".");
    }
}
