using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Tests.Plugin.Streaming;

/// <summary>Fences that signal only when the test says so, and remember which were polled or deleted.</summary>
internal sealed class HeldFences : IUploadFences
{
    private long _next;

    public HashSet<nint> Signalled { get; } = [];

    public HashSet<nint> Live { get; } = [];

    public List<nint> Inserted { get; } = [];

    public nint Insert()
    {
        nint fence = (nint)(++_next);
        Live.Add(fence);
        Inserted.Add(fence);
        return fence;
    }

    public bool IsSignalled(nint fence) => Signalled.Contains(fence);

    public void Delete(nint fence) => Live.Remove(fence);

    public void SignalAll()
    {
        foreach (nint fence in Live)
        {
            Signalled.Add(fence);
        }
    }
}
