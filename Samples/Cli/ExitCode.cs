namespace RealtimeGen.Samples.Cli;

/// <summary>Process exit codes that scripts can rely on.</summary>
public static class ExitCode
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The command was well formed but failed at run time (model, file, provider, cancellation).</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong: unknown command or option, missing or malformed value.</summary>
    public const int Usage = 2;

    /// <summary><c>verify</c>: the image carries no RealtimeGen watermark.</summary>
    public const int Unmarked = 3;
}
