using System.Numerics;
using NUnit.Framework;
using RealtimeGen.Engine.Ecs;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Engine.Scene;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Engine.Scene;

public class SceneRenderSystemTests
{
    [Test]
    public void Draws_each_renderable_entity_in_its_material_colour_and_skips_the_rest()
    {
        var (drawn, centre, corner) = GlTestHost.Run(context =>
        {
            var gl = context.Gl;
            using var assets = new RenderAssets();
            using var renderer = new Renderer(gl);
            var world = new World();
            var red = assets.Own(new Texture2D(gl, 1, 1));
            red.Upload([255, 0, 0, 255]);
            var cube = assets.Add(new Mesh(gl, MeshData.Cube(1f)));
            var material = assets.Add(new LitMaterial(red));
            world.Create(Transform.At(Vector3.Zero), new MeshRenderer(cube, material));
            world.Create(Transform.At(new Vector3(50f, 0f, 0f))); // no MeshRenderer: not drawn
            var system = new SceneRenderSystem(world, assets, renderer);
            var camera = new Camera { Position = new Vector3(0f, 0f, 3f), AspectRatio = 1f };

            renderer.BeginFrame(context, new Vector4(0f, 0f, 1f, 1f));
            system.Draw(camera, new SceneLighting(new Vector3(0f, 0f, -1f), Vector3.One, new Vector3(0.1f)));
            var pixels = new byte[GlTestHost.Width * GlTestHost.Height * 4];
            Screenshot.Capture(gl, context.DefaultFramebuffer, GlTestHost.Width, GlTestHost.Height, pixels);
            var c = ((GlTestHost.Height / 2 * GlTestHost.Width) + (GlTestHost.Width / 2)) * 4;
            return (system.LastDrawCount, (pixels[c], pixels[c + 1], pixels[c + 2]), (pixels[0], pixels[1], pixels[2]));
        });

        Assert.Multiple(() =>
        {
            Assert.That(drawn, Is.EqualTo(1));
            Assert.That(centre.Item1, Is.GreaterThan(150), "the lit red cube faces the camera");
            Assert.That(centre.Item1 - centre.Item3, Is.GreaterThan(100), "red dominates; only the white specular adds blue");
            Assert.That(corner, Is.EqualTo(((byte)0, (byte)0, (byte)255)), "the clear colour around the cube");
        });
    }

    [Test]
    public void Steady_state_drawing_does_not_allocate()
    {
        var allocated = GlTestHost.Run(context =>
        {
            var gl = context.Gl;
            using var assets = new RenderAssets();
            using var renderer = new Renderer(gl);
            var world = new World();
            var texture = assets.Own(new Texture2D(gl, 1, 1));
            texture.Upload([200, 200, 200, 255]);
            var mesh = assets.Add(new Mesh(gl, MeshData.Sphere(0.2f, 8, 4)));
            var material = assets.Add(new LitMaterial(texture));
            for (var i = 0; i < 200; i++)
            {
                world.Create(Transform.At(new Vector3(i % 20, i / 20, -10f)), new MeshRenderer(mesh, material));
            }

            var system = new SceneRenderSystem(world, assets, renderer);
            var camera = new Camera();
            var lighting = SceneLighting.Default;
            for (var frame = 0; frame < 5; frame++)
            {
                renderer.BeginFrame(context, Vector4.Zero);
                system.Draw(camera, in lighting);
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var frame = 0; frame < 100; frame++)
            {
                renderer.BeginFrame(context, Vector4.Zero);
                system.Draw(camera, in lighting);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        });

        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void Transform_matrix_scales_then_rotates_then_translates()
    {
        var transform = new Transform
        {
            Position = new Vector3(10f, 0f, 0f),
            Rotation = Quaternion.CreateFromAxisAngle(Vector3.UnitZ, MathF.PI / 2f),
            Scale = new Vector3(2f),
        };

        var moved = Vector3.Transform(Vector3.UnitX, transform.Matrix);

        Assert.That(Vector3.Distance(moved, new Vector3(10f, 2f, 0f)), Is.LessThan(1e-5f));
    }
}
