namespace RealtimeGen.Tests.Support;

/// <summary>Captures an expected exception where NUnit's Assert.Throws cannot run (on the GL thread of
/// <see cref="GlTestHost"/>, outside NUnit's test context); assert on the result back on the test thread.</summary>
public static class ExceptionCapture
{
    public static T? Of<T>(Action action)
        where T : Exception
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            action();
            return null;
        }
        catch (T exception)
        {
            return exception;
        }
    }
}
