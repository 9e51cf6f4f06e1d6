using NUnit.Framework;
using RealtimeGen.Samples.Cli;

namespace RealtimeGen.Tests.Cli;

public class CommandLineTests
{
    private static readonly string[] Valued = ["seed", "size"];
    private static readonly string[] Flags = ["previews"];

    [Test]
    public void Options_flags_and_positionals_are_separated()
    {
        CommandLine line = CommandLine.Parse(["a prompt", "--seed", "7", "--previews", "--size=64x32", "--", "--literal"], Valued, Flags);
        Assert.That(line.Positionals, Is.EqualTo(new[] { "a prompt", "--literal" }));
        Assert.That(line.Int64Option("seed", 0), Is.EqualTo(7));
        Assert.That(line.Has("previews"), Is.True);
        Assert.That(line.Size("size", 128), Is.EqualTo((64, 32)));
    }

    [Test]
    public void Defaults_apply_when_options_are_absent()
    {
        CommandLine line = CommandLine.Parse([], Valued, Flags);
        Assert.That(line.Size("size", 128), Is.EqualTo((128, 128)));
        Assert.That(line.Int32Option("seed", 4, 1, 10), Is.EqualTo(4));
        Assert.That(line.Has("previews"), Is.False);
    }

    [Test]
    public void A_missing_value_is_a_usage_error() =>
        Assert.That(() => CommandLine.Parse(["--seed"], Valued, Flags), Throws.TypeOf<UsageException>().With.Message.Contains("--seed"));

    [Test]
    public void A_value_on_a_flag_is_a_usage_error() =>
        Assert.That(() => CommandLine.Parse(["--previews=yes"], Valued, Flags), Throws.TypeOf<UsageException>());

    [Test]
    public void Out_of_range_numbers_are_usage_errors()
    {
        CommandLine line = CommandLine.Parse(["--seed", "11"], Valued, Flags);
        Assert.That(() => line.Int32Option("seed", 1, 1, 10), Throws.TypeOf<UsageException>().With.Message.Contains("1 to 10"));
        Assert.That(() => line.Number("seed", 1, 0, 5), Throws.TypeOf<UsageException>());
    }
}
