using System.Numerics;
using NUnit.Framework;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Assets;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Engine.Rendering;

/// <summary>The lit shader's live normal from the albedo, read back from a headless frame.</summary>
public class DerivedNormalTests
{
    private const int Size = 16;
    private static readonly SceneLighting Slanted = new(Vector3.Normalize(new Vector3(-0.6f, -1f, -0.4f)), new Vector3(0.8f), new Vector3(0.1f));

    private static byte[] Bumps()
    {
        var rgba = new byte[Size * Size * 4];
        for (int y = 0; y < Size; y++)
        {
            for (int x = 0; x < Size; x++)
            {
                byte v = (byte)(128 + (100 * Math.Sin(2 * Math.PI * x / Size) * Math.Cos(2 * Math.PI * y / Size)));
                int p = ((y * Size) + x) * 4;
                rgba[p] = rgba[p + 1] = rgba[p + 2] = v;
                rgba[p + 3] = 255;
            }
        }

        return rgba;
    }

    private enum Mode
    {
        Off,
        Derived,
        CpuNormalMap,
    }

    private static byte[] Render(byte[] albedo, Mode mode) =>
        GlTestHost.Run(context =>
        {
            GL gl = context.Gl;
            using var renderer = new Renderer(gl);
            using var plane = new Mesh(gl, MeshData.Plane(2f));
            using var texture = new Texture2D(gl, Size, Size, mipLevels: 1);
            texture.Upload(albedo);
            texture.SetSampling(TextureMinFilter.Nearest, TextureMagFilter.Nearest, TextureWrapMode.Repeat);
            using var normal = new Texture2D(gl, Size, Size, mipLevels: 1);
            normal.Upload(PbrMaps.FromAlbedo(albedo, Size, Size).Normal);
            normal.SetSampling(TextureMinFilter.Nearest, TextureMagFilter.Nearest, TextureWrapMode.Repeat);
            var material = new LitMaterial(texture)
            {
                SpecularStrength = 0f,
                DeriveNormalFromAlbedo = mode == Mode.Derived,
                NormalMap = mode == Mode.CpuNormalMap ? normal : null,
            };
            var camera = new Camera { Position = new Vector3(0f, 3f, 0f), Target = Vector3.Zero, Up = -Vector3.UnitZ, AspectRatio = 1f };
            renderer.BeginFrame(context, new Vector4(0f, 0f, 0f, 1f));
            renderer.Draw([new DrawItem(plane, material, Matrix4x4.Identity)], camera, Slanted);
            var pixels = new byte[GlTestHost.Width * GlTestHost.Height * 4];
            Screenshot.Capture(gl, context.DefaultFramebuffer, GlTestHost.Width, GlTestHost.Height, pixels);
            return pixels;
        });

    [Test]
    public void The_live_normal_matches_the_exported_normal_map()
    {
        byte[] albedo = Bumps();
        byte[] derived = Render(albedo, Mode.Derived);
        byte[] baked = Render(albedo, Mode.CpuNormalMap);
        byte[] off = Render(albedo, Mode.Off);

        int worstBaked = 0;
        long offDifference = 0;
        for (int i = 0; i < derived.Length; i++)
        {
            worstBaked = Math.Max(worstBaked, Math.Abs(derived[i] - baked[i]));
            offDifference += Math.Abs(derived[i] - off[i]);
        }

        // The baked map is quantised to 8 bits per component; the live normal is not.
        Assert.That(worstBaked, Is.LessThanOrEqualTo(4), "derived live vs baked normal map");
        Assert.That(offDifference / (double)derived.Length, Is.GreaterThan(3), "the derived normal must change the lighting");
    }

    [Test]
    public void A_flat_albedo_derives_the_vertex_normal()
    {
        var flat = new byte[Size * Size * 4];
        Array.Fill(flat, (byte)180);
        Assert.That(Render(flat, Mode.Derived), Is.EqualTo(Render(flat, Mode.Off)));
    }
}
