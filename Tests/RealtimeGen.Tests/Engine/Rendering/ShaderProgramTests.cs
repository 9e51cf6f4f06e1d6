using System.Numerics;
using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Engine.Rendering;

public class ShaderProgramTests
{
    private const string FullScreenVertex = """
        #version 450 core
        void main()
        {
            vec2 corner = vec2((gl_VertexID << 1) & 2, gl_VertexID & 2);
            gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
        }
        """;

    private const string ColorFragment = """
        #version 450 core
        uniform vec4 u_color;
        out vec4 o_color;
        void main() { o_color = u_color; }
        """;

    [Test]
    public void A_compile_error_names_the_program_and_stage_and_carries_the_info_log()
    {
        const string broken = """
            #version 450 core
            out vec4 o_color;
            void main() { o_color = vec4(undeclaredThing, 1.0); }
            """;

        RealtimeGenException? error = GlTestHost.Run(context =>
            ExceptionCapture.Of<RealtimeGenException>(() => new ShaderProgram(context.Gl, FullScreenVertex, broken, "broken-fragment").Dispose()));

        Assert.That(error, Is.Not.Null);
        string message = error!.Message;

        Assert.That(message, Does.Contain("'broken-fragment'").And.Contain("fragment shader failed to compile")
            .And.Contain("undeclaredThing"), message);
    }

    [Test]
    public void A_link_error_says_link_and_carries_the_info_log()
    {
        const string needsInput = """
            #version 450 core
            in vec3 v_missingFromVertexStage;
            out vec4 o_color;
            void main() { o_color = vec4(v_missingFromVertexStage, 1.0); }
            """;

        RealtimeGenException? error = GlTestHost.Run(context =>
            ExceptionCapture.Of<RealtimeGenException>(() => new ShaderProgram(context.Gl, FullScreenVertex, needsInput, "mismatched").Dispose()));

        Assert.That(error, Is.Not.Null);
        string message = error!.Message;

        Assert.That(message, Does.Contain("'mismatched' failed to link").And.Contain("v_missingFromVertexStage"), message);
    }

    [Test]
    public void RequireUniform_for_a_missing_uniform_is_a_clear_error_and_FindUniform_returns_minus_one()
    {
        (RealtimeGenException? error, int found, int missing) = GlTestHost.Run(context =>
        {
            using var program = new ShaderProgram(context.Gl, FullScreenVertex, ColorFragment, "color");
            RealtimeGenException? caught = ExceptionCapture.Of<RealtimeGenException>(() => program.RequireUniform("u_nope"));
            return (caught, program.FindUniform("u_color"), program.FindUniform("u_nope"));
        });

        Assert.That(error?.Message, Does.Contain("'color'").And.Contain("u_nope"));
        Assert.That(found, Is.GreaterThanOrEqualTo(0));
        Assert.That(missing, Is.EqualTo(-1));
    }

    [Test]
    public void A_uniform_set_by_location_reaches_the_pixels()
    {
        byte[] pixel = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            using var program = new ShaderProgram(gl, FullScreenVertex, ColorFragment, "color");
            int color = program.RequireUniform("u_color");
            program.Set(color, new Vector4(0.2f, 0.4f, 0.6f, 1f));
            uint emptyVertexArray = gl.CreateVertexArray();
            gl.BindFramebuffer(FramebufferTarget.Framebuffer, context.DefaultFramebuffer);
            gl.Viewport(0, 0, (uint)context.Width, (uint)context.Height);
            gl.Disable(EnableCap.DepthTest);
            gl.Disable(EnableCap.CullFace);
            program.Use();
            gl.BindVertexArray(emptyVertexArray);
            gl.DrawArrays(PrimitiveType.Triangles, 0, 3);
            gl.DeleteVertexArray(emptyVertexArray);
            var rgba = new byte[4];
            gl.ReadPixels(10, 10, 1, 1, PixelFormat.Rgba, PixelType.UnsignedByte, rgba.AsSpan());
            return rgba;
        });

        Assert.That(pixel, Is.EqualTo(new byte[] { 51, 102, 153, 255 }).Within(1));
    }
}
