using System.Numerics;
using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.Rendering;

/// <summary>A linked GLSL program from vertex and fragment sources; owns the GL program object.</summary>
/// <remarks>
/// Create, use and dispose on the GL thread. Look uniform locations up once with <see cref="FindUniform"/> or
/// <see cref="RequireUniform"/> after construction and keep them; the setters take locations, never names, so
/// nothing is looked up per frame. Setters address this program directly (glProgramUniform*), bound or not.
/// </remarks>
public sealed class ShaderProgram : IDisposable
{
    private readonly GL _gl;
    private readonly GlThread _glThread = GlThread.Current;
    private uint _handle;

    /// <summary>Compiles both stages and links them.</summary>
    /// <param name="gl">The GL of the current context.</param>
    /// <param name="vertexSource">GLSL vertex shader.</param>
    /// <param name="fragmentSource">GLSL fragment shader.</param>
    /// <param name="name">Shown in error messages and debug tools.</param>
    /// <exception cref="RealtimeGenException">A stage failed to compile or the program failed to link; the message
    /// names the program and the stage and contains the driver's info log.</exception>
    public ShaderProgram(GL gl, string vertexSource, string fragmentSource, string name)
    {
        ArgumentNullException.ThrowIfNull(gl);
        ArgumentNullException.ThrowIfNull(vertexSource);
        ArgumentNullException.ThrowIfNull(fragmentSource);
        ArgumentNullException.ThrowIfNull(name);
        _gl = gl;
        Name = name;
        uint vertex = Compile(gl, ShaderType.VertexShader, vertexSource, name);
        uint fragment;
        try
        {
            fragment = Compile(gl, ShaderType.FragmentShader, fragmentSource, name);
        }
        catch
        {
            gl.DeleteShader(vertex);
            throw;
        }

        _handle = gl.CreateProgram();
        gl.AttachShader(_handle, vertex);
        gl.AttachShader(_handle, fragment);
        gl.LinkProgram(_handle);
        gl.DetachShader(_handle, vertex);
        gl.DetachShader(_handle, fragment);
        gl.DeleteShader(vertex);
        gl.DeleteShader(fragment);
        gl.GetProgram(_handle, ProgramPropertyARB.LinkStatus, out int linked);
        if (linked == 0)
        {
            string log = gl.GetProgramInfoLog(_handle);
            gl.DeleteProgram(_handle);
            _handle = 0;
            throw new RealtimeGenException(
                $"Shader program '{name}' failed to link (stage: link). Fix the shader sources so that the stages' " +
                $"inputs and outputs match. Driver log:{Environment.NewLine}{log.TrimEnd()}");
        }

        gl.ObjectLabel(ObjectIdentifier.Program, _handle, (uint)name.Length, name);
    }

    /// <summary>Name given at construction.</summary>
    public string Name { get; }

    /// <summary>The GL program name; 0 after disposal.</summary>
    public uint Handle => _handle;

    /// <summary>Makes this the current program for draw calls.</summary>
    public void Use()
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        _gl.UseProgram(_handle);
    }

    /// <summary>Location of an active uniform, or -1 when the program has none by that name (setting -1 is ignored
    /// by GL, which suits uniforms the compiler may optimise away).</summary>
    public int FindUniform(string uniformName)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        return _gl.GetUniformLocation(_handle, uniformName);
    }

    /// <summary>Location of an active uniform that must exist.</summary>
    /// <exception cref="RealtimeGenException">The program has no active uniform of that name.</exception>
    public int RequireUniform(string uniformName)
    {
        int location = FindUniform(uniformName);
        if (location < 0)
        {
            throw new RealtimeGenException(
                $"Shader program '{Name}' has no active uniform '{uniformName}'. Declare it in the shader and use it " +
                "(unused uniforms are removed by the compiler), or look it up with FindUniform.");
        }

        return location;
    }

    /// <summary>Sets an int (or sampler) uniform.</summary>
    public void Set(int location, int value) => _gl.ProgramUniform1(_handle, location, value);

    /// <summary>Sets a float uniform.</summary>
    public void Set(int location, float value) => _gl.ProgramUniform1(_handle, location, value);

    /// <summary>Sets a vec2 uniform.</summary>
    public void Set(int location, Vector2 value) => _gl.ProgramUniform2(_handle, location, value.X, value.Y);

    /// <summary>Sets a vec3 uniform.</summary>
    public void Set(int location, Vector3 value) => _gl.ProgramUniform3(_handle, location, value.X, value.Y, value.Z);

    /// <summary>Sets a vec4 uniform.</summary>
    public void Set(int location, Vector4 value) => _gl.ProgramUniform4(_handle, location, value.X, value.Y, value.Z, value.W);

    /// <summary>Sets a mat4 uniform from a System.Numerics matrix (row-vector convention, v * M), which GLSL reads as
    /// the equivalent column-vector matrix (M * v) without transposing.</summary>
    public unsafe void Set(int location, in Matrix4x4 value)
    {
        fixed (float* first = &value.M11)
        {
            _gl.ProgramUniformMatrix4(_handle, location, 1, false, first);
        }
    }

    /// <summary>Deletes the program; call on the GL thread.</summary>
    public void Dispose()
    {
        if (_handle == 0 || !_glThread.CheckDisposeThread(nameof(ShaderProgram)))
        {
            return;
        }

        _gl.DeleteProgram(_handle);
        _handle = 0;
    }

    private static uint Compile(GL gl, ShaderType stage, string source, string programName)
    {
        uint shader = gl.CreateShader(stage);
        gl.ShaderSource(shader, source);
        gl.CompileShader(shader);
        gl.GetShader(shader, ShaderParameterName.CompileStatus, out int compiled);
        if (compiled != 0)
        {
            return shader;
        }

        string log = gl.GetShaderInfoLog(shader);
        gl.DeleteShader(shader);
        string stageName = stage == ShaderType.VertexShader ? "vertex" : stage == ShaderType.FragmentShader ? "fragment" : stage.ToString();
        throw new RealtimeGenException(
            $"Shader program '{programName}': the {stageName} shader failed to compile (stage: {stageName}). Fix the " +
            $"GLSL at the line the driver names (0:LINE). Driver log:{Environment.NewLine}{log.TrimEnd()}");
    }
}
