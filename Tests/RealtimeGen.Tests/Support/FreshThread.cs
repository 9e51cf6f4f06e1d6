using System.Runtime.ExceptionServices;

namespace RealtimeGen.Tests.Support;

/// <summary>Runs work on a new thread and returns its result, rethrowing its exception: for tests that create a
/// graphics context of their own and need a thread with no context current.</summary>
public static class FreshThread
{
    public static T Run<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception exception)
            {
                failure = ExceptionDispatchInfo.Capture(exception);
            }
        });
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
