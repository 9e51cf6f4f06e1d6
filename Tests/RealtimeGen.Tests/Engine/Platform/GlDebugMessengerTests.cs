using Microsoft.Extensions.Logging;
using NUnit.Framework;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Engine.Platform;

public class GlDebugMessengerTests
{
    [Test]
    public void A_GL_error_is_logged_as_an_error_with_GLs_message()
    {
        GlTestHost.Run(_ => { });
        var logger = new RecordingLogger();

        int errorCount = FreshThread.Run(() =>
        {
            using var context = new EglHeadlessContext(new GraphicsContextOptions { Width = 4, Height = 4, Debug = true, Logger = logger });
            logger.Clear();

            // An invalid enum: GL_INVALID_ENUM, reported synchronously through KHR_debug.
            context.Gl.Enable((EnableCap)0x7FFF);
            return context.DebugMessenger!.ErrorCount;
        });

        IReadOnlyList<string> errors = logger.TextsAtOrAbove(LogLevel.Error);
        Assert.That(errorCount, Is.EqualTo(1));
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.Contain("DebugTypeError").And.Contain("GL_INVALID_ENUM").IgnoreCase);
    }

    [Test]
    public void A_correct_call_logs_nothing()
    {
        GlTestHost.Run(_ => { });
        var logger = new RecordingLogger();

        int errorCount = FreshThread.Run(() =>
        {
            using var context = new EglHeadlessContext(new GraphicsContextOptions { Width = 4, Height = 4, Debug = true, Logger = logger });
            logger.Clear();
            context.Gl.Enable(EnableCap.DepthTest);
            return context.DebugMessenger!.ErrorCount;
        });

        Assert.That(errorCount, Is.Zero);
        Assert.That(logger.TextsAtOrAbove(LogLevel.Warning), Is.Empty);
    }
}
