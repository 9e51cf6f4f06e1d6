using System.Numerics;
using RealtimeGen.Engine.Platform;
using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.Rendering;

/// <summary>Draws lists of (mesh, lit material, transform) into a framebuffer with one directional light; owns the
/// lit shader program.</summary>
/// <remarks>
/// GL thread only. The draw path allocates nothing: uniform locations are looked up at construction, the draw list
/// is a caller-owned span, and material uniforms are re-sent only when the material changes between consecutive
/// items (order items by material to benefit). State left behind: depth test and back-face culling on, the lit
/// program and the last mesh bound.
/// </remarks>
public sealed class Renderer : IDisposable
{
    private readonly GL _gl;
    private readonly ShaderProgram _program;
    private readonly int _model;
    private readonly int _normalMatrix;
    private readonly int _viewProjection;
    private readonly int _hasNormalMap;
    private readonly int _deriveNormal;
    private readonly int _derivedNormalStrength;
    private readonly int _tint;
    private readonly int _specularStrength;
    private readonly int _shininess;
    private readonly int _lightDirection;
    private readonly int _lightColor;
    private readonly int _ambient;
    private readonly int _cameraPosition;

    /// <summary>Compiles the lit shader.</summary>
    public Renderer(GL gl)
    {
        ArgumentNullException.ThrowIfNull(gl);
        _gl = gl;
        _program = new ShaderProgram(gl, LitShaderSource.Vertex, LitShaderSource.Fragment, "lit");
        _model = _program.RequireUniform("u_model");
        _normalMatrix = _program.RequireUniform("u_normalMatrix");
        _viewProjection = _program.RequireUniform("u_viewProjection");
        _hasNormalMap = _program.RequireUniform("u_hasNormalMap");
        _deriveNormal = _program.RequireUniform("u_deriveNormal");
        _derivedNormalStrength = _program.RequireUniform("u_derivedNormalStrength");
        _tint = _program.RequireUniform("u_tint");
        _specularStrength = _program.RequireUniform("u_specularStrength");
        _shininess = _program.RequireUniform("u_shininess");
        _lightDirection = _program.RequireUniform("u_lightDirection");
        _lightColor = _program.RequireUniform("u_lightColor");
        _ambient = _program.RequireUniform("u_ambient");
        _cameraPosition = _program.RequireUniform("u_cameraPosition");
    }

    /// <summary>Items drawn by the last <see cref="Draw"/> call.</summary>
    public int LastDrawCount { get; private set; }

    /// <summary>Binds <paramref name="framebuffer"/>, sets the viewport and clears colour and depth.</summary>
    public void BeginFrame(uint framebuffer, int width, int height, Vector4 clearColor)
    {
        _gl.BindFramebuffer(FramebufferTarget.Framebuffer, framebuffer);
        _gl.Viewport(0, 0, (uint)width, (uint)height);
        _gl.DepthMask(true);
        _gl.ClearColor(clearColor.X, clearColor.Y, clearColor.Z, clearColor.W);
        _gl.Clear(ClearBufferMask.ColorBufferBit | ClearBufferMask.DepthBufferBit);
    }

    /// <summary>Begins a frame in the context's <see cref="IGraphicsContext.DefaultFramebuffer"/>.</summary>
    public void BeginFrame(IGraphicsContext context, Vector4 clearColor)
    {
        ArgumentNullException.ThrowIfNull(context);
        BeginFrame(context.DefaultFramebuffer, context.Width, context.Height, clearColor);
    }

    /// <summary>Begins a frame in an offscreen <paramref name="target"/>.</summary>
    public void BeginFrame(RenderTarget target, Vector4 clearColor)
    {
        ArgumentNullException.ThrowIfNull(target);
        BeginFrame(target.Handle, target.Width, target.Height, clearColor);
    }

    /// <summary>Draws <paramref name="items"/> in order into the framebuffer bound by <see cref="BeginFrame(uint, int, int, Vector4)"/>.</summary>
    public void Draw(ReadOnlySpan<DrawItem> items, Camera camera, in SceneLighting lighting)
    {
        ArgumentNullException.ThrowIfNull(camera);
        _gl.Enable(EnableCap.DepthTest);
        _gl.DepthFunc(DepthFunction.Less);
        _gl.Enable(EnableCap.CullFace);
        _gl.CullFace(TriangleFace.Back);
        _gl.FrontFace(FrontFaceDirection.Ccw);
        _program.Use();
        Matrix4x4 viewProjection = camera.ViewProjection;
        _program.Set(_viewProjection, viewProjection);
        _program.Set(_cameraPosition, camera.Position);
        _program.Set(_lightDirection, lighting.Direction);
        _program.Set(_lightColor, lighting.Color);
        _program.Set(_ambient, lighting.Ambient);

        LitMaterial? current = null;
        for (int i = 0; i < items.Length; i++)
        {
            ref readonly DrawItem item = ref items[i];
            if (!ReferenceEquals(item.Material, current))
            {
                current = item.Material;
                ApplyMaterial(current);
            }

            _program.Set(_model, item.Model);
            Matrix4x4 normalMatrix = Matrix4x4.Invert(item.Model, out Matrix4x4 inverse) ? Matrix4x4.Transpose(inverse) : Matrix4x4.Identity;
            _program.Set(_normalMatrix, normalMatrix);
            item.Mesh.Draw();
        }

        LastDrawCount = items.Length;
    }

    /// <summary>Deletes the shader program; call on the GL thread.</summary>
    public void Dispose() => _program.Dispose();

    private void ApplyMaterial(LitMaterial material)
    {
        material.Albedo.Bind(0);
        if (material.NormalMap is { } normalMap)
        {
            normalMap.Bind(1);
            _program.Set(_hasNormalMap, 1);
        }
        else
        {
            _program.Set(_hasNormalMap, 0);
        }

        _program.Set(_deriveNormal, material.DeriveNormalFromAlbedo ? 1 : 0);
        _program.Set(_derivedNormalStrength, material.DerivedNormalStrength);
        _program.Set(_tint, material.Tint);
        _program.Set(_specularStrength, material.SpecularStrength);
        _program.Set(_shininess, material.Shininess);
    }
}
