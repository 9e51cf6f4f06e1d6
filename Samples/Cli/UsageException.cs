namespace RealtimeGen.Samples.Cli;

/// <summary>A malformed command line; the message says what to change. Exits with <see cref="ExitCode.Usage"/>.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception with a message that says what to change.</summary>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public UsageException()
    {
    }
}
