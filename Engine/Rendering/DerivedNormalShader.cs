namespace RealtimeGen.Engine.Rendering;

/// <summary>
/// Derives a tangent-space normal from an albedo texture's luminance, live in GLSL for the preview (the lit shader
/// uses it when <see cref="LitMaterial.DeriveNormalFromAlbedo"/> is set) and in C# with the same arithmetic for
/// baked maps: height = Rec. 709 luminance, slopes by central differences one texel apart, normal =
/// normalize(−s·∂h/∂x, s·∂h/∂row, 1) in the OpenGL convention (green towards the image's top row).
/// </summary>
public static class DerivedNormalShader
{
    /// <summary>Default slope scale s.</summary>
    public const float DefaultStrength = 6f;

    /// <summary>GLSL functions <c>rtgHeight(sampler2D, vec2)</c> and <c>rtgDerivedNormal(sampler2D, vec2, float)</c>;
    /// sample level 0 of a texture with the repeat wrap mode for tiling textures.</summary>
    public const string Functions = """
        float rtgHeight(sampler2D albedo, vec2 uv)
        {
            return dot(textureLod(albedo, uv, 0.0).rgb, vec3(0.2126, 0.7152, 0.0722));
        }

        vec3 rtgDerivedNormal(sampler2D albedo, vec2 uv, float strength)
        {
            vec2 texel = 1.0 / vec2(textureSize(albedo, 0));
            float dx = rtgHeight(albedo, uv + vec2(texel.x, 0.0)) - rtgHeight(albedo, uv - vec2(texel.x, 0.0));
            float dy = rtgHeight(albedo, uv + vec2(0.0, texel.y)) - rtgHeight(albedo, uv - vec2(0.0, texel.y));
            return normalize(vec3(-strength * dx, strength * dy, 1.0));
        }
        """;

    /// <summary>Height of one RGBA8 texel, as <c>rtgHeight</c> computes it.</summary>
    public static float Luminance(byte r, byte g, byte b) => ((0.2126f * r) + (0.7152f * g) + (0.0722f * b)) / 255f;

    /// <summary>The normal for height differences <paramref name="dx"/> (right − left) and <paramref name="dy"/>
    /// (row below − row above), as <c>rtgDerivedNormal</c> computes it.</summary>
    public static (float X, float Y, float Z) Normal(float dx, float dy, float strength)
    {
        float x = -strength * dx;
        float y = strength * dy;
        float length = MathF.Sqrt((x * x) + (y * y) + 1f);
        return (x / length, y / length, 1f / length);
    }
}
