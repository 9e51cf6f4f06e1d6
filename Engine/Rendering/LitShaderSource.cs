namespace RealtimeGen.Engine.Rendering;

/// <summary>GLSL of the <see cref="Renderer"/>'s lit shader: Lambert diffuse plus Blinn-Phong specular from one
/// directional light, ambient, optional tangent-space normal map or a normal derived live from the albedo.</summary>
internal static class LitShaderSource
{
    public const string Vertex = """
        #version 450 core
        layout(location = 0) in vec3 a_position;
        layout(location = 1) in vec3 a_normal;
        layout(location = 2) in vec2 a_texCoord;
        layout(location = 3) in vec4 a_tangent;

        uniform mat4 u_model;
        uniform mat4 u_normalMatrix;
        uniform mat4 u_viewProjection;

        out vec3 v_worldPosition;
        out vec3 v_normal;
        out vec2 v_texCoord;
        out vec4 v_tangent;

        void main()
        {
            vec4 world = u_model * vec4(a_position, 1.0);
            v_worldPosition = world.xyz;
            v_normal = mat3(u_normalMatrix) * a_normal;
            v_tangent = vec4(mat3(u_model) * a_tangent.xyz, a_tangent.w);
            v_texCoord = a_texCoord;
            gl_Position = u_viewProjection * world;
        }
        """;

    public const string Fragment = """
        #version 450 core
        """ + "\n" + DerivedNormalShader.Functions + "\n" + """

        in vec3 v_worldPosition;
        in vec3 v_normal;
        in vec2 v_texCoord;
        in vec4 v_tangent;

        layout(binding = 0) uniform sampler2D u_albedo;
        layout(binding = 1) uniform sampler2D u_normalMap;
        uniform int u_hasNormalMap;
        uniform int u_deriveNormal;
        uniform float u_derivedNormalStrength;
        uniform vec4 u_tint;
        uniform float u_specularStrength;
        uniform float u_shininess;
        uniform vec3 u_lightDirection;
        uniform vec3 u_lightColor;
        uniform vec3 u_ambient;
        uniform vec3 u_cameraPosition;

        out vec4 o_color;

        void main()
        {
            vec3 n = normalize(v_normal);
            if (u_hasNormalMap != 0 || u_deriveNormal != 0)
            {
                // Gram-Schmidt against the interpolated normal; w carries the uv mirroring.
                vec3 t = normalize(v_tangent.xyz - n * dot(n, v_tangent.xyz));
                vec3 b = cross(n, t) * v_tangent.w;
                vec3 m = u_hasNormalMap != 0
                    ? texture(u_normalMap, v_texCoord).xyz * 2.0 - 1.0
                    : rtgDerivedNormal(u_albedo, v_texCoord, u_derivedNormalStrength);
                // b points along +v, towards the image's bottom row; OpenGL-convention green points to its top.
                n = normalize(t * m.x - b * m.y + n * m.z);
            }

            vec4 albedo = texture(u_albedo, v_texCoord) * u_tint;
            vec3 toLight = normalize(-u_lightDirection);
            float diffuse = max(dot(n, toLight), 0.0);
            vec3 toEye = normalize(u_cameraPosition - v_worldPosition);
            vec3 halfway = normalize(toLight + toEye);
            float specular = diffuse > 0.0 ? pow(max(dot(n, halfway), 0.0), u_shininess) * u_specularStrength : 0.0;
            o_color = vec4(albedo.rgb * (u_ambient + u_lightColor * diffuse) + u_lightColor * specular, albedo.a);
        }
        """;
}
