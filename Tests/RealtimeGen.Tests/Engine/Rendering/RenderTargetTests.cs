using NUnit.Framework;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Engine.Rendering;

public class RenderTargetTests
{
    [Test]
    public void ReadPixels_is_bottom_row_first_and_Capture_is_top_row_first()
    {
        (byte[] glOrder, byte[] imageOrder, byte[] sampled) = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            using var target = new RenderTarget(gl, 4, 4);
            target.Bind();
            gl.ClearColor(0f, 0f, 1f, 1f);
            gl.Clear(ClearBufferMask.ColorBufferBit);

            // Paint the top row (GL y = 3) red.
            gl.Enable(EnableCap.ScissorTest);
            gl.Scissor(0, 3, 4, 1);
            gl.ClearColor(1f, 0f, 0f, 1f);
            gl.Clear(ClearBufferMask.ColorBufferBit);
            gl.Disable(EnableCap.ScissorTest);

            var bottomFirst = new byte[64];
            target.ReadPixels(bottomFirst);
            var topFirst = new byte[64];
            Screenshot.Capture(gl, target.Handle, 4, 4, topFirst);
            var texture = new byte[64];
            target.ColorTexture.ReadPixels(texture);
            return (bottomFirst, topFirst, texture);
        });

        Assert.Multiple(() =>
        {
            Assert.That(glOrder[..4], Is.EqualTo(new byte[] { 0, 0, 255, 255 }), "GL's first row is the bottom");
            Assert.That(glOrder[^4..], Is.EqualTo(new byte[] { 255, 0, 0, 255 }));
            Assert.That(imageOrder[..4], Is.EqualTo(new byte[] { 255, 0, 0, 255 }), "a capture's first row is the top");
            Assert.That(imageOrder[^4..], Is.EqualTo(new byte[] { 0, 0, 255, 255 }));
            Assert.That(sampled, Is.EqualTo(glOrder), "the colour attachment holds what was drawn");
        });
    }
}
