using NUnit.Framework;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Engine.Rendering;

public class ScreenshotTests
{
    [Test]
    public void FlipRows_reverses_row_order_for_rows_wider_than_its_scratch_space()
    {
        const int rowBytes = 300;
        var pixels = new byte[rowBytes * 5];
        for (int row = 0; row < 5; row++)
        {
            pixels.AsSpan(row * rowBytes, rowBytes).Fill((byte)row);
        }

        pixels[rowBytes - 1] = 99;
        Screenshot.FlipRows(pixels, rowBytes);

        for (int row = 0; row < 5; row++)
        {
            Assert.That(pixels[(row * rowBytes) + 1], Is.EqualTo((byte)(4 - row)), $"row {row}");
        }

        Assert.That(pixels[^1], Is.EqualTo(99));
    }

    [Test]
    public void Save_writes_the_frame_as_a_PNG_with_the_top_row_first()
    {
        string path = Path.Combine(Path.GetTempPath(), "realtimegen-screenshot-" + Guid.NewGuid().ToString("N") + ".png");
        try
        {
            GlTestHost.Run(context =>
            {
                GL gl = context.Gl;
                gl.BindFramebuffer(FramebufferTarget.Framebuffer, context.DefaultFramebuffer);
                gl.ClearColor(0f, 1f, 0f, 1f);
                gl.Clear(ClearBufferMask.ColorBufferBit);
                gl.Enable(EnableCap.ScissorTest);
                gl.Scissor(0, context.Height - 1, (uint)context.Width, 1);
                gl.ClearColor(1f, 0f, 1f, 1f);
                gl.Clear(ClearBufferMask.ColorBufferBit);
                gl.Disable(EnableCap.ScissorTest);
                Screenshot.Save(context, path);
            });

            Image image = ImageFile.Load(path);

            Assert.That((image.Width, image.Height), Is.EqualTo((GlTestHost.Width, GlTestHost.Height)));
            Assert.That(image.Pixels[..4].ToArray(), Is.EqualTo(new byte[] { 255, 0, 255, 255 }), "top row");
            Assert.That(image.Pixels[^4..].ToArray(), Is.EqualTo(new byte[] { 0, 255, 0, 255 }), "bottom row");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
