using NUnit.Framework;

namespace RealtimeGen.Tests;

public class SmokeTests
{
    [Test]
    public void Environment_has_processors() => Assert.That(Environment.ProcessorCount, Is.GreaterThan(0));
}
