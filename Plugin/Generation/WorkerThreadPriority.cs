using System.Runtime.InteropServices;

namespace RealtimeGen.Plugin.Generation;

/// <summary>Applies a <see cref="WorkerPriority"/> to the calling thread.</summary>
/// <remarks>
/// On Linux the policy and nice value are per thread, and threads created later by this one (e.g. an inference
/// runtime's pool threads) inherit them, so it is applied before the worker creates its backend.
/// </remarks>
internal static partial class WorkerThreadPriority
{
    private const int SchedIdle = 5;
    private const int PrioProcess = 0;
    private const int LowestNice = 19;

    /// <summary>Applies <paramref name="priority"/>; returns false when the OS refused (the thread keeps running at normal priority).</summary>
    public static bool TryApply(WorkerPriority priority)
    {
        if (priority == WorkerPriority.Normal)
        {
            return true;
        }

        if (!OperatingSystem.IsLinux())
        {
            Thread.CurrentThread.Priority = ThreadPriority.Lowest;
            return true;
        }

        try
        {
            if (priority == WorkerPriority.Idle)
            {
                var parameters = default(SchedParam);
                if (SchedSetScheduler(0, SchedIdle, in parameters) == 0)
                {
                    return true;
                }
            }

            // Linux keeps nice values per thread: "who" is this thread's id.
            return SetPriority(PrioProcess, (uint)GetThreadId(), LowestNice) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SchedSetScheduler(int pid, int policy, in SchedParam parameters);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, uint who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }
}
