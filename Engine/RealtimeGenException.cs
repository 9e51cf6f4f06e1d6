namespace RealtimeGen.Engine;

/// <summary>
/// The one exception type RealtimeGen throws for conditions a user can act on: bad input files, missing
/// native libraries, unavailable providers, invalid requests.
/// </summary>
/// <remarks>
/// The message always says what was expected, what was found and how to fix it; callers never need to
/// branch on the message text.
/// </remarks>
public sealed class RealtimeGenException : Exception
{
    /// <summary>Creates the exception with a message that says what to do.</summary>
    public RealtimeGenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message that says what to do and the underlying cause.</summary>
    public RealtimeGenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message; prefer the overloads that say what to do.</summary>
    public RealtimeGenException()
    {
    }
}
