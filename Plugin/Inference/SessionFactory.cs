using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine;

namespace RealtimeGen.Plugin.Inference;

/// <summary>
/// The one place that builds ONNX Runtime <see cref="SessionOptions"/>: execution provider, thread count,
/// graph optimisation and the optimised-model cache.
/// </summary>
/// <remarks>Thread-safe: holds only immutable options.</remarks>
public sealed class SessionFactory
{
    private const string CpuName = "CPUExecutionProvider";
    private const string CudaName = "CUDAExecutionProvider";
    private const string DirectMLName = "DmlExecutionProvider";

    private readonly InferenceOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a factory for <paramref name="options"/>.</summary>
    /// <exception cref="RealtimeGenException">The options are out of range.</exception>
    public SessionFactory(InferenceOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.Provider))
        {
            throw new RealtimeGenException(
                $"Expected an execution provider Auto, Cpu, Cuda or DirectML; found {(int)options.Provider}.");
        }

        if (options.IntraOpThreads is < 1 or > 1024)
        {
            throw new RealtimeGenException(
                $"Expected 1 to 1024 intra-op threads; found {options.IntraOpThreads}.");
        }

        _options = options;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The options sessions are built with.</summary>
    public InferenceOptions Options => _options;

    /// <summary>The providers the installed ONNX Runtime package was built with.</summary>
    public static IReadOnlyList<ExecutionProvider> AvailableProviders()
    {
        var result = new List<ExecutionProvider>();
        foreach (string name in OrtEnv.Instance().GetAvailableProviders())
        {
            switch (name)
            {
                case CpuName:
                    result.Add(ExecutionProvider.Cpu);
                    break;
                case CudaName:
                    result.Add(ExecutionProvider.Cuda);
                    break;
                case DirectMLName:
                    result.Add(ExecutionProvider.DirectML);
                    break;
                default:
                    break;
            }
        }

        return result;
    }

    /// <summary>Parses a provider name as the CLI and configs spell it (case-insensitive).</summary>
    /// <exception cref="RealtimeGenException">The name is not a provider.</exception>
    public static ExecutionProvider ParseProvider(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant() switch
        {
            "auto" => ExecutionProvider.Auto,
            "cpu" => ExecutionProvider.Cpu,
            "cuda" => ExecutionProvider.Cuda,
            "directml" or "dml" => ExecutionProvider.DirectML,
            _ => throw new RealtimeGenException(
                $"Expected a provider auto, cpu, cuda or directml; found \"{name}\"."),
        };
    }

    /// <summary>Opens a session for one model part.</summary>
    /// <param name="modelPath">The part's <c>model.onnx</c>.</param>
    /// <param name="partName">Name used in logs and cache file names, e.g. <c>unet</c>.</param>
    /// <param name="chosen">The provider the session runs on.</param>
    /// <exception cref="RealtimeGenException">The provider is unavailable or the model does not load.</exception>
    public InferenceSession CreateSession(string modelPath, string partName, out ExecutionProvider chosen)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentException.ThrowIfNullOrEmpty(partName);
        var stopwatch = Stopwatch.StartNew();
        SessionOptions options = CreateOptions(partName, out chosen);
        try
        {
            string path = modelPath;
            string? cached = CachePath(modelPath, partName, chosen);
            if (cached is not null && File.Exists(cached))
            {
                path = cached;
            }
            else if (cached is not null)
            {
                options.OptimizedModelFilePath = cached;
            }

            var session = new InferenceSession(path, options);
            PluginLog.SessionLoaded(_logger, partName, path, stopwatch.ElapsedMilliseconds);
            return session;
        }
        catch (OnnxRuntimeException e)
        {
            throw new RealtimeGenException(
                $"{modelPath}: expected a loadable ONNX model for {partName}; ONNX Runtime refused it: {e.Message} " +
                "Re-export the part (opset 17, Optimum layout) or re-download the package.", e);
        }
        finally
        {
            options.Dispose();
        }
    }

    private SessionOptions CreateOptions(string partName, out ExecutionProvider chosen)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = _options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = _options.GraphOptimization,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };

        // Spinning worker threads would steal the core that the frame loop needs.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", _options.IntraOpThreads > 1 ? "0" : "1");
        try
        {
            chosen = AppendProvider(options);
        }
        catch
        {
            options.Dispose();
            throw;
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            string available = string.Join(", ", OrtEnv.Instance().GetAvailableProviders());
            PluginLog.ProviderChosen(_logger, chosen, partName, _options.Provider, available);
        }
        return options;
    }

    private ExecutionProvider AppendProvider(SessionOptions options)
    {
        IReadOnlyList<string> available = OrtEnv.Instance().GetAvailableProviders();
        switch (_options.Provider)
        {
            case ExecutionProvider.Cpu:
                return ExecutionProvider.Cpu;
            case ExecutionProvider.DirectML:
                if (!TryAppendDirectML(options, available))
                {
                    throw new RealtimeGenException(
                        "Expected the DirectML execution provider; the installed ONNX Runtime lacks it " +
                        $"(available: {string.Join(", ", available)}). On Windows, reference the NuGet package " +
                        "Microsoft.ML.OnnxRuntime.DirectML instead of Microsoft.ML.OnnxRuntime, or choose --provider cpu.");
                }

                return ExecutionProvider.DirectML;
            case ExecutionProvider.Cuda:
                if (!TryAppendCuda(options, available, out string? reason))
                {
                    throw new RealtimeGenException(
                        "Expected the CUDA execution provider; the installed ONNX Runtime cannot use it " +
                        $"(available: {string.Join(", ", available)}{reason}). Reference the NuGet package " +
                        "Microsoft.ML.OnnxRuntime.Gpu and install CUDA 12 with cuDNN 9, or choose --provider cpu.");
                }

                return ExecutionProvider.Cuda;
            case ExecutionProvider.Auto:
                if (OperatingSystem.IsWindows() && TryAppendDirectML(options, available))
                {
                    return ExecutionProvider.DirectML;
                }

                return TryAppendCuda(options, available, out _) ? ExecutionProvider.Cuda : ExecutionProvider.Cpu;
            default:
                throw new RealtimeGenException($"Expected a known execution provider; found {(int)_options.Provider}.");
        }
    }

    private bool TryAppendDirectML(SessionOptions options, IReadOnlyList<string> available)
    {
        if (!available.Contains(DirectMLName))
        {
            return false;
        }

        if (_options.DirectMLDevice is { } device)
        {
            // The session must run on the device whose buffers its outputs are bound to.
            device.AppendExecutionProvider(options);
            PluginLog.SessionOnSharedDevice(_logger);
            return true;
        }

        try
        {
            options.AppendExecutionProvider_DML(_options.DeviceId);
            return true;
        }
        catch (EntryPointNotFoundException)
        {
            // The managed API exists in every package; only the DirectML package exports the native entry.
            return false;
        }
    }

    private bool TryAppendCuda(SessionOptions options, IReadOnlyList<string> available, out string? reason)
    {
        reason = null;
        if (!available.Contains(CudaName))
        {
            return false;
        }

        try
        {
            options.AppendExecutionProvider_CUDA(_options.DeviceId);
            return true;
        }
        catch (OnnxRuntimeException e)
        {
            reason = "; loading it failed: " + e.Message;
            return false;
        }
    }

    private string? CachePath(string modelPath, string partName, ExecutionProvider provider)
    {
        if (_options.OptimizedModelCacheDirectory is not { } folder)
        {
            return null;
        }

        Directory.CreateDirectory(folder);
        var info = new FileInfo(modelPath);
        string key = string.Create(
            CultureInfo.InvariantCulture,
            $"{partName}.{provider}.{(int)_options.GraphOptimization}.{info.Length}.{info.LastWriteTimeUtc.Ticks}.onnx");
        return Path.Combine(folder, key);
    }
}
