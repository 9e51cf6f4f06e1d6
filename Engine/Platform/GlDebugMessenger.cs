using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.Platform;

/// <summary>
/// Routes KHR_debug messages (GL_DEBUG_OUTPUT, synchronous) to an <see cref="ILogger"/>: errors and undefined
/// behaviour as errors, other high and medium severity messages as warnings; notifications are switched off.
/// </summary>
/// <remarks>
/// Shader compiler messages are logged at debug level and not counted as errors: a failed compile already surfaces
/// as an exception carrying the info log (see ShaderProgram).
/// Create and dispose on the GL thread. Messages are reported synchronously, on the thread of the GL call that
/// caused them, so the log shows the offending call's stack. Only one messenger per context is meaningful: GL has
/// one callback slot. Logging a message allocates its text; a correct frame produces none.
/// </remarks>
public sealed partial class GlDebugMessenger : IDisposable
{
    private readonly GL _gl;
    private readonly ILogger _logger;

    // GL keeps only a native pointer to the marshalled delegate; this field keeps the delegate alive.
    private readonly DebugProc _callback;
    private bool _disposed;

    /// <summary>Installs the callback on the current context.</summary>
    public unsafe GlDebugMessenger(GL gl, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(gl);
        ArgumentNullException.ThrowIfNull(logger);
        _gl = gl;
        _logger = logger;
        _callback = OnMessage;
        gl.Enable(EnableCap.DebugOutput);
        gl.Enable(EnableCap.DebugOutputSynchronous);
        gl.DebugMessageCallback(_callback, null);
        gl.DebugMessageControl(DebugSource.DontCare, DebugType.DontCare, DebugSeverity.DebugSeverityNotification, 0, (uint*)null, false);
    }

    /// <summary>GL errors (DEBUG_TYPE_ERROR, shader compiler messages excepted) reported since construction.</summary>
    public int ErrorCount { get; private set; }

    /// <summary>Removes the callback and disables debug output.</summary>
    public unsafe void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _gl.DebugMessageCallback(null, null);
        _gl.Disable(EnableCap.DebugOutput);
    }

    private void OnMessage(GLEnum source, GLEnum type, int id, GLEnum severity, int length, nint message, nint userParam)
    {
        string text = Marshal.PtrToStringUTF8(message, length);
        var debugType = (DebugType)type;
        if ((DebugSource)source == DebugSource.DebugSourceShaderCompiler)
        {
            LogDebug(_logger, (DebugSource)source, debugType, id, text);
            return;
        }

        if (debugType == DebugType.DebugTypeError)
        {
            ErrorCount++;
        }

        if (debugType is DebugType.DebugTypeError or DebugType.DebugTypeUndefinedBehavior)
        {
            LogError(_logger, (DebugSource)source, debugType, id, text);
        }
        else if ((DebugSeverity)severity is DebugSeverity.DebugSeverityHigh or DebugSeverity.DebugSeverityMedium)
        {
            LogWarning(_logger, (DebugSource)source, debugType, id, text);
        }
        else
        {
            LogDebug(_logger, (DebugSource)source, debugType, id, text);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "GL {Source} {Type} {Id}: {Text}")]
    private static partial void LogError(ILogger logger, DebugSource source, DebugType type, int id, string text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GL {Source} {Type} {Id}: {Text}")]
    private static partial void LogWarning(ILogger logger, DebugSource source, DebugType type, int id, string text);

    [LoggerMessage(Level = LogLevel.Debug, Message = "GL {Source} {Type} {Id}: {Text}")]
    private static partial void LogDebug(ILogger logger, DebugSource source, DebugType type, int id, string text);
}
