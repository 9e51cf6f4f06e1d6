using System.Text;
using NUnit.Framework;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Engine.Platform.Native;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Engine.Platform;

[NonParallelizable]
public class GlfwWindowContextTests
{
    [Test]
    public unsafe void A_window_under_Xvfb_renders_presents_resizes_and_queues_input()
    {
        if (!VirtualDisplay.IsAvailable)
        {
            Assert.Ignore($"{VirtualDisplay.XvfbPath} is missing (Debian package xvfb); this windowed smoke test needs a virtual display.");
        }

        using VirtualDisplay display = VirtualDisplay.Start();
        var result = FreshThread.Run(() =>
        {
            using IGraphicsContext context = GraphicsContextFactory.Create(
                new GraphicsContextOptions { Mode = GraphicsContextMode.Windowed, Width = 160, Height = 120, VSync = false, Debug = false },
                name => name == "DISPLAY" ? display.Name : null);
            var window = (GlfwWindowContext)context;
            GL gl = context.Gl;
            int version = (gl.GetInteger(GetPName.MajorVersion) * 10) + gl.GetInteger(GetPName.MinorVersion);

            gl.BindFramebuffer(FramebufferTarget.Framebuffer, context.DefaultFramebuffer);
            gl.ClearColor(0f, 0f, 1f, 1f);
            gl.Clear(ClearBufferMask.ColorBufferBit);
            var pixel = new byte[4];
            gl.ReadPixels(5, 5, 1, 1, PixelFormat.Rgba, PixelType.UnsignedByte, pixel.AsSpan());
            context.Present();
            context.VSync = true;
            context.Title = "RealtimeGen smoke test";

            int resizedWidth = 0;
            context.Resized += (width, _) => resizedWidth = width;
            Glfw.SetWindowSize(window.WindowHandle, 200, 150);
            for (int attempt = 0; attempt < 100 && resizedWidth == 0; attempt++)
            {
                context.PollEvents();
                Thread.Sleep(10);
            }

            GlfwWindowContext.KeyCallback(window.WindowHandle, (int)Key.Escape, 9, Glfw.Press, (int)KeyModifiers.Control);
            GlfwWindowContext.CharacterCallback(window.WindowHandle, 'é');
            context.Input.TryRead(out InputEvent key);
            context.Input.TryRead(out InputEvent character);
            bool escapeHeld = context.Input.IsKeyDown(Key.Escape);

            bool closeBefore = context.ShouldClose;
            context.RequestClose();
            return (context.IsHeadless, version, pixel, resizedWidth, context.Width, context.Height, key, character, escapeHeld,
                closeBefore, closeAfter: context.ShouldClose, context.Title);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.IsHeadless, Is.False);
            Assert.That(result.version, Is.GreaterThanOrEqualTo(45));
            Assert.That(result.pixel, Is.EqualTo(new byte[] { 0, 0, 255, 255 }));
            Assert.That(result.resizedWidth, Is.EqualTo(200), "Resized is raised from PollEvents");
            Assert.That((result.Width, result.Height), Is.EqualTo((200, 150)));
            Assert.That(result.key, Is.EqualTo(InputEvent.ForKey(InputEventKind.KeyDown, Key.Escape, KeyModifiers.Control)));
            Assert.That(result.character, Is.EqualTo(InputEvent.ForCharacter(new Rune('é'))));
            Assert.That(result.escapeHeld, Is.True);
            Assert.That((result.closeBefore, result.closeAfter), Is.EqualTo((false, true)));
            Assert.That(result.Title, Is.EqualTo("RealtimeGen smoke test"));
        });
    }
}
