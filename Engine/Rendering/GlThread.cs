using System.Diagnostics;

namespace RealtimeGen.Engine.Rendering;

/// <summary>Remembers which thread created a GL object, so its Dispose can check it runs on that (the GL) thread.</summary>
internal readonly struct GlThread
{
    private readonly int _threadId;

    private GlThread(int threadId) => _threadId = threadId;

    public static GlThread Current => new(Environment.CurrentManagedThreadId);

    /// <summary>
    /// True on the creating thread. Elsewhere it fails a debug assertion and returns false, and the caller skips the
    /// delete: a GL call on a thread without the context would hit no context or the wrong one, and a leaked object
    /// is the lesser harm than a crash in a release build.
    /// </summary>
    public bool CheckDisposeThread(string objectKind)
    {
        bool current = Environment.CurrentManagedThreadId == _threadId;
        Debug.Assert(current, $"{objectKind} disposed on thread {Environment.CurrentManagedThreadId}, created on {_threadId}; GL objects must be disposed on the GL thread.");
        return current;
    }
}
