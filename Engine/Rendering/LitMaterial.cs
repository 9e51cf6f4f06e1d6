using System.Numerics;

namespace RealtimeGen.Engine.Rendering;

/// <summary>
/// Surface parameters for the <see cref="Renderer"/>'s lit shader: albedo texture times tint, an optional
/// tangent-space normal map, and Blinn-Phong specular.
/// </summary>
/// <remarks>
/// References textures, never owns them: whoever created a texture disposes it, after the last frame that draws it.
/// Swapping <see cref="Albedo"/> for a new texture (e.g. a freshly generated one) takes effect on the next draw.
/// Normal maps use the OpenGL convention (green = towards the image's top row), 8-bit RGB mapped from 0..1 to −1..1.
/// </remarks>
public sealed class LitMaterial
{
    /// <summary>Creates a material around an albedo texture.</summary>
    public LitMaterial(Texture2D albedo)
    {
        ArgumentNullException.ThrowIfNull(albedo);
        Albedo = albedo;
    }

    /// <summary>Base colour texture (sampled on unit 0).</summary>
    public Texture2D Albedo { get; set; }

    /// <summary>Tangent-space normal map (sampled on unit 1), or null for the interpolated vertex normal.</summary>
    public Texture2D? NormalMap { get; set; }

    /// <summary>Without a <see cref="NormalMap"/>, derive the normal live from the albedo's luminance
    /// (<see cref="DerivedNormalShader"/>) so that a generated texture looks like relief, not wallpaper.</summary>
    public bool DeriveNormalFromAlbedo { get; set; }

    /// <summary>Slope scale of the derived normal; negative reads bright areas as low (e.g. light mortar between
    /// darker bricks).</summary>
    public float DerivedNormalStrength { get; set; } = DerivedNormalShader.DefaultStrength;

    /// <summary>Multiplies the albedo texture; alpha is written to the target's alpha.</summary>
    public Vector4 Tint { get; set; } = Vector4.One;

    /// <summary>Scale of the specular highlight (0 turns it off).</summary>
    public float SpecularStrength { get; set; } = 0.25f;

    /// <summary>Blinn-Phong exponent: larger is a smaller, sharper highlight.</summary>
    public float Shininess { get; set; } = 32f;
}
