using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Inference;

namespace RealtimeGen.Tests.Plugin.Inference;

public class SessionFactoryTests
{
    private static string UnetPath => Path.Combine(ShippedModel.Directory, "unet", "model.onnx");

    [Test]
    public void The_cpu_provider_is_always_available() =>
        Assert.That(SessionFactory.AvailableProviders(), Does.Contain(ExecutionProvider.Cpu));

    [Test]
    public void Auto_falls_back_to_an_available_provider_and_logs_the_choice()
    {
        var logger = new ListLogger();
        var factory = new SessionFactory(new InferenceOptions { Provider = ExecutionProvider.Auto, IntraOpThreads = 1 }, logger);
        using var session = factory.CreateSession(UnetPath, "unet", out ExecutionProvider chosen);
        Assert.That(SessionFactory.AvailableProviders(), Does.Contain(chosen));
        Assert.That(chosen, Is.Not.EqualTo(ExecutionProvider.Auto));
        Assert.That(logger.Entries.Any(e => e.Message.Contains($"provider {chosen}", StringComparison.Ordinal)), Is.True);
    }

    [TestCase(ExecutionProvider.Cuda, "Microsoft.ML.OnnxRuntime.Gpu")]
    [TestCase(ExecutionProvider.DirectML, "Microsoft.ML.OnnxRuntime.DirectML")]
    public void An_unavailable_explicit_provider_names_the_package_to_install(ExecutionProvider provider, string package)
    {
        if (SessionFactory.AvailableProviders().Contains(provider))
        {
            Assert.Ignore($"{provider} is installed here, so its absence cannot be tested.");
        }

        // A DirectML device of ours does not stand in for the provider the installed ONNX Runtime lacks.
        var device = new CountingDirectMLDevice();
        var factory = new SessionFactory(new InferenceOptions { Provider = provider, DirectMLDevice = device });
        var e = Assert.Throws<RealtimeGenException>(() => factory.CreateSession(UnetPath, "unet", out _));
        Assert.That(e!.Message, Does.Contain(package));
        Assert.That(device.Appended, Is.Zero);
    }

    [TestCase(ExecutionProvider.Cpu)]
    [TestCase(ExecutionProvider.Auto)]
    public void A_DirectML_device_is_used_only_by_DirectML_sessions(ExecutionProvider provider)
    {
        if (provider == ExecutionProvider.Auto && SessionFactory.AvailableProviders().Contains(ExecutionProvider.DirectML) && OperatingSystem.IsWindows())
        {
            Assert.Ignore("Auto picks DirectML here, so the device is used.");
        }

        var device = new CountingDirectMLDevice();
        var logger = new ListLogger();
        var factory = new SessionFactory(new InferenceOptions { Provider = provider, IntraOpThreads = 1, DirectMLDevice = device }, logger);
        using var session = factory.CreateSession(UnetPath, "unet", out ExecutionProvider chosen);
        Assert.Multiple(() =>
        {
            Assert.That(chosen, Is.Not.EqualTo(ExecutionProvider.DirectML));
            Assert.That(device.Appended, Is.Zero);
            Assert.That(logger.Entries.Any(e => e.Message.Contains("shared D3D12 device", StringComparison.Ordinal)), Is.False);
        });
    }

    [Test]
    public void Unknown_provider_values_are_refused()
    {
        Assert.Throws<RealtimeGenException>(() => _ = new SessionFactory(new InferenceOptions { Provider = (ExecutionProvider)42 }));
        var e = Assert.Throws<RealtimeGenException>(() => SessionFactory.ParseProvider("metal"));
        Assert.That(e!.Message, Does.Contain("metal"));
        Assert.That(SessionFactory.ParseProvider("DirectML"), Is.EqualTo(ExecutionProvider.DirectML));
    }

    [Test]
    public void Thread_counts_out_of_range_are_refused() =>
        Assert.Throws<RealtimeGenException>(() => _ = new SessionFactory(new InferenceOptions { IntraOpThreads = 0 }));

    [Test]
    public void The_optimized_model_cache_is_written_once_and_then_loaded()
    {
        string cache = Path.Combine(Path.GetTempPath(), "rtg-ortcache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var factory = new SessionFactory(new InferenceOptions { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1, OptimizedModelCacheDirectory = cache });
            using (factory.CreateSession(UnetPath, "unet", out _))
            {
            }

            string[] files = Directory.GetFiles(cache);
            Assert.That(files, Has.Length.EqualTo(1));
            DateTime written = File.GetLastWriteTimeUtc(files[0]);
            using var second = factory.CreateSession(UnetPath, "unet", out _);
            Assert.That(second.InputMetadata.Keys, Does.Contain("sample"));
            Assert.That(File.GetLastWriteTimeUtc(files[0]), Is.EqualTo(written));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }
}
