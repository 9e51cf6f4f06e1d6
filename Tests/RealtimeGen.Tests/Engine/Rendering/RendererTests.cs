using System.Numerics;
using NUnit.Framework;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Engine.Rendering;

public class RendererTests
{
    private const int Center = GlTestHost.Width / 2;
    private static readonly Vector4 Background = new(0f, 0f, 0f, 1f);
    private static readonly Vector4 Tint = new(1f, 0.5f, 0.25f, 1f);

    // Albedo white × tint, lit by 0.8 + 0.1 ambient: (0.9, 0.45, 0.225) → bytes.
    private static readonly byte[] FullyLit = [230, 115, 57, 255];

    // Ambient only: 0.1 × tint.
    private static readonly byte[] AmbientOnly = [26, 13, 6, 255];

    private static readonly SceneLighting FromAbove = new(new Vector3(0f, -1f, 0f), new Vector3(0.8f), new Vector3(0.1f));

    [Test]
    public void A_lit_plane_seen_from_above_has_the_expected_colour_and_the_background_stays_clear()
    {
        (byte[] center, byte[] corner) = RenderPlane(normalMapTexel: null, FromAbove);

        Assert.That(center, Is.EqualTo(FullyLit).Within(2));
        Assert.That(corner, Is.EqualTo(new byte[] { 0, 0, 0, 255 }));
    }

    [Test]
    public void A_flat_normal_map_matches_the_vertex_normal()
    {
        (byte[] center, _) = RenderPlane(normalMapTexel: [128, 128, 255, 255], FromAbove);

        Assert.That(center, Is.EqualTo(FullyLit).Within(2));
    }

    [Test]
    public void A_normal_map_tilted_along_u_turns_the_surface_away_from_an_overhead_light()
    {
        (byte[] center, _) = RenderPlane(normalMapTexel: [255, 128, 128, 255], FromAbove);

        Assert.That(center, Is.EqualTo(AmbientOnly).Within(2));
    }

    [Test]
    public void Normal_map_green_points_towards_the_images_top_row()
    {
        // The image's top row lies at v = 0, the plane's -Z edge. A light travelling along +Z lights a surface
        // facing -Z: green up (OpenGL convention) must face it, green down must not.
        var towardsPlusZ = new SceneLighting(Vector3.UnitZ, new Vector3(0.8f), new Vector3(0.1f));

        (byte[] greenUp, _) = RenderPlane(normalMapTexel: [128, 255, 128, 255], towardsPlusZ);
        (byte[] greenDown, _) = RenderPlane(normalMapTexel: [128, 0, 128, 255], towardsPlusZ);

        Assert.That(greenUp, Is.EqualTo(FullyLit).Within(2));
        Assert.That(greenDown, Is.EqualTo(AmbientOnly).Within(2));
    }

    [Test]
    public void Cube_and_sphere_show_their_outside_faces_to_the_camera()
    {
        var headOn = new SceneLighting(-Vector3.UnitZ, new Vector3(0.8f), new Vector3(0.1f));

        byte[] cube = RenderFromFront(gl => new Mesh(gl, MeshData.Cube(1f)), headOn);
        byte[] sphere = RenderFromFront(gl => new Mesh(gl, MeshData.Sphere(0.6f, 32, 16)), headOn);

        // Culling the wrong winding would show the inside of the far face, lit by ambient only.
        Assert.That(cube, Is.EqualTo(FullyLit).Within(2));
        Assert.That(sphere, Is.EqualTo(FullyLit).Within(4));
    }

    [Test]
    public void The_nearer_object_wins_whatever_the_draw_order()
    {
        byte[] pixel = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            using var renderer = new Renderer(gl);
            using var cube = new Mesh(gl, MeshData.Cube(1f));
            using Texture2D white = SolidTexture(gl, 255, 255, 255);
            var green = new LitMaterial(white) { Tint = new Vector4(0f, 1f, 0f, 1f), SpecularStrength = 0f };
            var red = new LitMaterial(white) { Tint = new Vector4(1f, 0f, 0f, 1f), SpecularStrength = 0f };
            DrawItem[] items =
            [
                new(cube, green, Matrix4x4.CreateTranslation(0f, 0f, 1f)),
                new(cube, red, Matrix4x4.CreateScale(2f)),
            ];
            renderer.BeginFrame(context, Background);
            renderer.Draw(items, FrontCamera(), new SceneLighting(-Vector3.UnitZ, Vector3.One, Vector3.Zero));
            return ReadPixel(context, Center, Center);
        });

        Assert.That(pixel, Is.EqualTo(new byte[] { 0, 255, 0, 255 }).Within(1));
    }

    [Test]
    public void A_textured_plane_seen_from_above_looks_like_the_image()
    {
        // 2x2 image, top row first: red, green / blue, white.
        byte[] image = [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255];

        byte[] frame = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            using var renderer = new Renderer(gl);
            using var plane = new Mesh(gl, MeshData.Plane(2f));
            using var texture = new Texture2D(gl, 2, 2, mipLevels: 1);
            texture.Upload(image);
            texture.SetSampling(TextureMinFilter.Nearest, TextureMagFilter.Nearest, TextureWrapMode.ClampToEdge);
            var material = new LitMaterial(texture) { SpecularStrength = 0f };
            renderer.BeginFrame(context, Background);
            renderer.Draw([new DrawItem(plane, material, Matrix4x4.Identity)], TopCamera(), new SceneLighting(-Vector3.UnitY, Vector3.One, Vector3.Zero));
            var pixels = new byte[GlTestHost.Width * GlTestHost.Height * 4];
            Screenshot.Capture(gl, context.DefaultFramebuffer, GlTestHost.Width, GlTestHost.Height, pixels);
            return pixels;
        });

        Assert.Multiple(() =>
        {
            Assert.That(ImagePixel(frame, 22, 22), Is.EqualTo(new byte[] { 255, 0, 0, 255 }), "top left");
            Assert.That(ImagePixel(frame, 42, 22), Is.EqualTo(new byte[] { 0, 255, 0, 255 }), "top right");
            Assert.That(ImagePixel(frame, 22, 42), Is.EqualTo(new byte[] { 0, 0, 255, 255 }), "bottom left");
            Assert.That(ImagePixel(frame, 42, 42), Is.EqualTo(new byte[] { 255, 255, 255, 255 }), "bottom right");
        });
    }

    [Test]
    public void Drawing_a_frame_allocates_nothing()
    {
        long allocated = GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            using var renderer = new Renderer(gl);
            using var cube = new Mesh(gl, MeshData.Cube(0.5f));
            using var sphere = new Mesh(gl, MeshData.Sphere(0.3f, 16, 8));
            using Texture2D white = SolidTexture(gl, 255, 255, 255);
            using Texture2D flatNormals = SolidTexture(gl, 128, 128, 255);
            var plain = new LitMaterial(white);
            var bumpy = new LitMaterial(white) { NormalMap = flatNormals };
            var items = new DrawItem[8];
            for (int i = 0; i < items.Length; i++)
            {
                items[i] = new DrawItem(i % 2 == 0 ? cube : sphere, i % 3 == 0 ? plain : bumpy, Matrix4x4.CreateTranslation(i - 4f, 0f, 0f));
            }

            Camera camera = FrontCamera();
            SceneLighting lighting = SceneLighting.Default;
            for (int frame = 0; frame < 20; frame++)
            {
                renderer.BeginFrame(context, Background);
                renderer.Draw(items, camera, lighting);
            }

            gl.Finish();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int frame = 0; frame < 300; frame++)
            {
                camera.Position = new Vector3(frame * 0.001f, 0f, 4f);
                renderer.BeginFrame(context, Background);
                renderer.Draw(items, camera, lighting);
            }

            long after = GC.GetAllocatedBytesForCurrentThread();
            gl.Finish();
            return after - before;
        });

        Assert.That(allocated, Is.Zero);
    }

    private static (byte[] Center, byte[] Corner) RenderPlane(byte[]? normalMapTexel, SceneLighting lighting) =>
        GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            using var renderer = new Renderer(gl);
            using var plane = new Mesh(gl, MeshData.Plane(2f));
            using Texture2D white = SolidTexture(gl, 255, 255, 255);
            using Texture2D? normalMap = normalMapTexel is null ? null : SolidTexture(gl, normalMapTexel[0], normalMapTexel[1], normalMapTexel[2]);
            var material = new LitMaterial(white) { Tint = Tint, SpecularStrength = 0f, NormalMap = normalMap };
            renderer.BeginFrame(context, Background);
            renderer.Draw([new DrawItem(plane, material, Matrix4x4.Identity)], TopCamera(), lighting);
            return (ReadPixel(context, Center, Center), ReadPixel(context, 0, 0));
        });

    private static byte[] RenderFromFront(Func<GL, Mesh> createMesh, SceneLighting lighting) =>
        GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            using var renderer = new Renderer(gl);
            using Mesh mesh = createMesh(gl);
            using Texture2D white = SolidTexture(gl, 255, 255, 255);
            var material = new LitMaterial(white) { Tint = Tint, SpecularStrength = 0f };
            renderer.BeginFrame(context, Background);
            renderer.Draw([new DrawItem(mesh, material, Matrix4x4.Identity)], FrontCamera(), lighting);
            return ReadPixel(context, Center, Center);
        });

    // Looking down from +Y with -Z at the top of the screen: +X is right, an image's top row is at the top.
    private static Camera TopCamera() => new()
    {
        Position = new Vector3(0f, 3f, 0f),
        Target = Vector3.Zero,
        Up = -Vector3.UnitZ,
        AspectRatio = 1f,
    };

    private static Camera FrontCamera() => new() { Position = new Vector3(0f, 0f, 4f), AspectRatio = 1f };

    private static Texture2D SolidTexture(GL gl, byte r, byte g, byte b)
    {
        var texture = new Texture2D(gl, 2, 2, mipLevels: 1);
        texture.Upload([r, g, b, 255, r, g, b, 255, r, g, b, 255, r, g, b, 255]);
        return texture;
    }

    private static byte[] ReadPixel(EglHeadlessContext context, int x, int y)
    {
        var rgba = new byte[4];
        context.Gl.BindFramebuffer(FramebufferTarget.ReadFramebuffer, context.DefaultFramebuffer);
        context.Gl.ReadPixels(x, y, 1, 1, PixelFormat.Rgba, PixelType.UnsignedByte, rgba.AsSpan());
        return rgba;
    }

    private static byte[] ImagePixel(byte[] topFirst, int x, int y) =>
        topFirst.AsSpan(((y * GlTestHost.Width) + x) * 4, 4).ToArray();
}
