using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>Attributes a GL error to one call: the imports report failure only through glGetError.</summary>
internal static class GlErrors
{
    /// <summary>Clears errors raised before the call being checked (bounded: some drivers queue several).</summary>
    public static void Drain(GL gl)
    {
        for (int i = 0; i < 16 && gl.GetError() != GLEnum.NoError; i++)
        {
        }
    }

    /// <summary>The first error since <see cref="Drain"/>, or <see cref="GLEnum.NoError"/>.</summary>
    public static GLEnum Take(GL gl)
    {
        GLEnum first = gl.GetError();
        Drain(gl);
        return first;
    }
}
