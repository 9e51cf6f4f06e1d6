using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Platform;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Support;

/// <summary>
/// The one headless GL context of a test run, living on its own thread (the GL thread) so that tests, whichever
/// NUnit worker runs them, hand GL work to it with <see cref="Run{T}"/> and assert on what comes back.
/// </summary>
/// <remarks>
/// The context is a debug context with a <see cref="GlDebugMessenger"/>: a GL error raised during a work item fails
/// the test with GL's message. When EGL is unavailable the test is ignored with the reason, except under CI
/// (CI=true), where it fails: CI machines must have headless GL. Work items run one at a time; GL objects a work item
/// creates must be disposed in it (or in a later one), never on the test thread. Assert inside work items is not
/// supported: return the data and assert outside. Each work item starts with the default framebuffer (64×64) bound,
/// a full viewport, depth/cull/scissor/blend off and no program, vertex array or pixel buffer bound.
/// </remarks>
public static class GlTestHost
{
    public const int Width = 64;
    public const int Height = 64;

    private static readonly Lock Gate = new();
    private static readonly BlockingCollection<Action> WorkItems = [];
    private static readonly RecordingLogger GlLog = new();
    private static Thread? _thread;
    private static EglHeadlessContext? _context;
    private static Exception? _startFailure;

    /// <summary>Runs <paramref name="work"/> on the GL thread with the shared context current and returns its result.</summary>
    public static T Run<T>(Func<EglHeadlessContext, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        EglHeadlessContext context = EnsureStarted();
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        int glErrorsBefore = 0;
        int glErrorsAfter = 0;
        using var done = new ManualResetEventSlim();
        WorkItems.Add(() =>
        {
            try
            {
                glErrorsBefore = context.DebugMessenger?.ErrorCount ?? 0;
                GlLog.Clear();
                ResetState(context);
                result = work(context);
                glErrorsAfter = context.DebugMessenger?.ErrorCount ?? 0;
            }
            catch (Exception exception)
            {
                failure = ExceptionDispatchInfo.Capture(exception);
            }
            finally
            {
                done.Set();
            }
        });
        done.Wait();
        failure?.Throw();
        if (glErrorsAfter != glErrorsBefore)
        {
            Assert.Fail($"GL reported {glErrorsAfter - glErrorsBefore} error(s): {string.Join(" | ", GlLog.TextsAtOrAbove(LogLevel.Error))}");
        }

        return result;
    }

    /// <summary>Runs <paramref name="work"/> on the GL thread with the shared context current.</summary>
    public static void Run(Action<EglHeadlessContext> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Run(context =>
        {
            work(context);
            return 0;
        });
    }

    /// <summary>Destroys the context and ends the GL thread; called once when the run ends.</summary>
    internal static void Shutdown()
    {
        lock (Gate)
        {
            if (_thread is null)
            {
                return;
            }

            WorkItems.CompleteAdding();
            _thread.Join();
            _thread = null;
        }
    }

    private static EglHeadlessContext EnsureStarted()
    {
        lock (Gate)
        {
            if (_thread is null && _startFailure is null)
            {
                using var started = new ManualResetEventSlim();
                _thread = new Thread(() => ServeWorkItems(started)) { IsBackground = true, Name = "GL test thread" };
                _thread.Start();
                started.Wait();
                if (_startFailure is not null)
                {
                    _thread.Join();
                    _thread = null;
                }
            }

            if (_startFailure is not null)
            {
                string reason = $"Headless GL (EGL) is unavailable: {_startFailure.Message}";
                if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                {
                    Assert.Fail(reason + " CI machines must provide it.");
                }

                Assert.Ignore(reason);
            }

            return _context!;
        }
    }

    // Each work item starts from the same GL state, whatever the previous test left bound or enabled.
    private static void ResetState(EglHeadlessContext context)
    {
        GL gl = context.Gl;
        if (context.Width != Width || context.Height != Height)
        {
            context.Resize(Width, Height);
        }

        gl.BindFramebuffer(FramebufferTarget.Framebuffer, context.DefaultFramebuffer);
        gl.Viewport(0, 0, Width, Height);
        gl.Disable(EnableCap.ScissorTest);
        gl.Disable(EnableCap.DepthTest);
        gl.Disable(EnableCap.CullFace);
        gl.Disable(EnableCap.Blend);
        gl.ColorMask(true, true, true, true);
        gl.DepthMask(true);
        gl.UseProgram(0);
        gl.BindVertexArray(0);
        gl.BindBuffer(BufferTargetARB.PixelUnpackBuffer, 0);
        gl.BindBuffer(BufferTargetARB.PixelPackBuffer, 0);
    }

    private static void ServeWorkItems(ManualResetEventSlim started)
    {
        try
        {
            _context = new EglHeadlessContext(new GraphicsContextOptions
            {
                Mode = GraphicsContextMode.Headless,
                Width = Width,
                Height = Height,
                Debug = true,
                Logger = GlLog,
            });
        }
        catch (RealtimeGenException exception)
        {
            _startFailure = exception;
            started.Set();
            return;
        }

        started.Set();
        foreach (Action workItem in WorkItems.GetConsumingEnumerable())
        {
            workItem();
        }

        _context.Dispose();
        _context = null;
    }
}
