using NUnit.Framework;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Engine.Rendering;

public class FrameReadbackTests
{
    [Test]
    public void Frames_come_back_in_request_order_with_their_tags_and_the_colour_each_frame_had()
    {
        var received = new List<(string Tag, byte[] FirstPixel, int Width, int Height)>();
        GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            using var readback = new FrameReadback(gl, context.Width, context.Height, slots: 3);
            FrameReadback.Consumer keep = (rgba, w, h, tag) => received.Add(((string)tag!, rgba[..4].ToArray(), w, h));
            float[][] colours = [[1f, 0f, 0f], [0f, 1f, 0f], [0f, 0f, 1f]];
            for (int i = 0; i < colours.Length; i++)
            {
                gl.BindFramebuffer(FramebufferTarget.Framebuffer, context.DefaultFramebuffer);
                gl.ClearColor(colours[i][0], colours[i][1], colours[i][2], 1f);
                gl.Clear(ClearBufferMask.ColorBufferBit);
                Assert.That(readback.TryRequest(context.DefaultFramebuffer, $"frame {i}"), Is.True, $"request {i}");
            }

            Assert.That(readback.HasFreeSlot, Is.False);
            Assert.That(readback.TryRequest(context.DefaultFramebuffer, "dropped"), Is.False, "a full ring drops the request instead of waiting");
            Assert.That(readback.InFlight, Is.EqualTo(3));
            readback.Flush(keep);
            Assert.That(readback.InFlight, Is.Zero);
        });

        Assert.That(received.Select(r => r.Tag), Is.EqualTo(new[] { "frame 0", "frame 1", "frame 2" }));
        Assert.That(received[0].FirstPixel, Is.EqualTo(new byte[] { 255, 0, 0, 255 }));
        Assert.That(received[1].FirstPixel, Is.EqualTo(new byte[] { 0, 255, 0, 255 }));
        Assert.That(received[2].FirstPixel, Is.EqualTo(new byte[] { 0, 0, 255, 255 }));
        Assert.That((received[0].Width, received[0].Height), Is.EqualTo((GlTestHost.Width, GlTestHost.Height)));
    }

    [Test]
    public void Poll_hands_over_a_finished_read_back_and_frees_its_slot()
    {
        int handed = 0;
        GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            using var readback = new FrameReadback(gl, context.Width, context.Height, slots: 1);
            gl.BindFramebuffer(FramebufferTarget.Framebuffer, context.DefaultFramebuffer);
            gl.Clear(ClearBufferMask.ColorBufferBit);
            Assert.That(readback.TryRequest(context.DefaultFramebuffer, null), Is.True);
            gl.Finish();
            handed = readback.Poll((_, _, _, _) => { });
            Assert.That(readback.HasFreeSlot, Is.True);
        });

        Assert.That(handed, Is.EqualTo(1), "after glFinish the fence has signalled, so a zero-timeout poll hands the frame over");
    }
}
