using NUnit.Framework;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Engine.Platform;

public class EglHeadlessContextTests
{
    [Test]
    public void Context_is_desktop_GL_4_5_core()
    {
        (int major, int minor, int profileMask, string version) = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            return (gl.GetInteger(GetPName.MajorVersion), gl.GetInteger(GetPName.MinorVersion),
                gl.GetInteger(GLEnum.ContextProfileMask), gl.GetStringS(StringName.Version));
        });

        Assert.That(major * 10 + minor, Is.GreaterThanOrEqualTo(45), $"GL version string: {version}");
        Assert.That(profileMask & (int)GLEnum.ContextCoreProfileBit, Is.Not.Zero, "expected a core profile");
        Assert.That(version, Does.Not.StartWith("OpenGL ES"));
    }

    [Test]
    public void Clearing_the_default_framebuffer_reads_back_the_clear_colour()
    {
        byte[] pixel = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            gl.BindFramebuffer(FramebufferTarget.Framebuffer, context.DefaultFramebuffer);
            gl.ClearColor(1f, 0.5f, 0.25f, 1f);
            gl.Clear(ClearBufferMask.ColorBufferBit);
            var rgba = new byte[4];
            gl.ReadPixels(context.Width / 2, context.Height / 2, 1, 1, PixelFormat.Rgba, PixelType.UnsignedByte, rgba.AsSpan());
            return rgba;
        });

        Assert.That(pixel, Is.EqualTo(new byte[] { 255, 128, 64, 255 }).Within(1));
    }

    [Test]
    public void Resize_replaces_the_framebuffer_and_raises_Resized()
    {
        (int eventWidth, int eventHeight, int width, int height, int storedWidth, bool complete) = GlTestHost.Run(context =>
        {
            int seenWidth = 0;
            int seenHeight = 0;
            void OnResized(int w, int h)
            {
                seenWidth = w;
                seenHeight = h;
            }

            context.Resized += OnResized;
            try
            {
                context.Resize(40, 24);
                GL gl = context.Gl;
                gl.GetNamedFramebufferAttachmentParameter(context.DefaultFramebuffer, FramebufferAttachment.ColorAttachment0,
                    FramebufferAttachmentParameterName.ObjectName, out int colorBuffer);
                gl.GetNamedRenderbufferParameter((uint)colorBuffer, RenderbufferParameterName.Width, out int stored);
                bool isComplete = gl.CheckNamedFramebufferStatus(context.DefaultFramebuffer, FramebufferTarget.Framebuffer) == GLEnum.FramebufferComplete;
                return (seenWidth, seenHeight, context.Width, context.Height, stored, isComplete);
            }
            finally
            {
                context.Resized -= OnResized;
                context.Resize(GlTestHost.Width, GlTestHost.Height);
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That((eventWidth, eventHeight), Is.EqualTo((40, 24)));
            Assert.That((width, height), Is.EqualTo((40, 24)));
            Assert.That(storedWidth, Is.EqualTo(40));
            Assert.That(complete, Is.True);
        });
    }

    [Test]
    public void A_second_context_on_another_thread_works_alongside_the_shared_one()
    {
        GlTestHost.Run(_ => { });

        byte[] pixel = FreshThread.Run(() =>
        {
            using var context = new EglHeadlessContext(new GraphicsContextOptions { Width = 8, Height = 8, Debug = false });
            GL gl = context.Gl;
            gl.ClearColor(0f, 1f, 0f, 1f);
            gl.Clear(ClearBufferMask.ColorBufferBit);
            var rgba = new byte[4];
            gl.ReadPixels(0, 0, 1, 1, PixelFormat.Rgba, PixelType.UnsignedByte, rgba.AsSpan());
            return rgba;
        });

        Assert.That(pixel, Is.EqualTo(new byte[] { 0, 255, 0, 255 }));
        Assert.That(GlTestHost.Run(context => context.Gl.GetStringS(StringName.Renderer)), Is.Not.Empty,
            "the shared context must survive another context's disposal");
    }

    [Test]
    public void Headless_context_has_no_window_behaviour()
    {
        (bool headless, bool closeBefore, bool closeAfter) = FreshThread.Run(() =>
        {
            using var context = new EglHeadlessContext(new GraphicsContextOptions { Width = 4, Height = 4, Debug = false });
            context.PollEvents();
            context.Present();
            bool before = context.ShouldClose;
            context.RequestClose();
            return (context.IsHeadless, before, context.ShouldClose);
        });

        Assert.That((headless, closeBefore, closeAfter), Is.EqualTo((true, false, true)));
    }
}
