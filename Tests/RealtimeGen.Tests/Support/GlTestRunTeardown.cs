using NUnit.Framework;

// In the root test namespace on purpose: a SetUpFixture covers only its own namespace and those below it.
namespace RealtimeGen.Tests;

/// <summary>Destroys the shared GL test context after the last test of the run.</summary>
[SetUpFixture]
public sealed class GlTestRunTeardown
{
    [OneTimeTearDown]
    public void DestroySharedGlContext() => Support.GlTestHost.Shutdown();
}
