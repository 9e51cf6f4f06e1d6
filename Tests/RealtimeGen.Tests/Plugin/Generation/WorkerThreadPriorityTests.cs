using NUnit.Framework;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Plugin.Generation;

public class WorkerThreadPriorityTests
{
    [Test]
    public void Idle_puts_the_calling_thread_under_sched_idle_and_low_at_nice_19()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("Thread scheduling policies are read from /proc on Linux only.");
        }

        var idle = FreshThread.Run(() => (WorkerThreadPriority.TryApply(WorkerPriority.Idle), Stat()));
        var low = FreshThread.Run(() => (WorkerThreadPriority.TryApply(WorkerPriority.Low), Stat()));
        var test = Stat();

        Assert.Multiple(() =>
        {
            Assert.That(idle.Item1, Is.True);
            Assert.That(idle.Item2.Policy, Is.EqualTo(5), "SCHED_IDLE");
            Assert.That(low.Item1, Is.True);
            Assert.That(low.Item2.Nice, Is.EqualTo(19));
            Assert.That(test.Policy, Is.Not.EqualTo(5), "only the worker thread changes, not the process");
        });
    }

    // Fields 19 (nice) and 41 (policy) of /proc/thread-self/stat, counted after the parenthesised command name.
    private static (int Nice, int Policy) Stat()
    {
        string stat = File.ReadAllText("/proc/thread-self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[38], System.Globalization.CultureInfo.InvariantCulture));
    }
}
