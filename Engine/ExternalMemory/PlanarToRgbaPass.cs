using RealtimeGen.Engine.Rendering;
using Silk.NET.OpenGL;

namespace RealtimeGen.Engine.ExternalMemory;

/// <summary>
/// The GPU routes' last step: a compute pass that turns a decoder output in a GL buffer (planar float RGB, NCHW with
/// N = 1, values in [−1, 1]) into an RGBA8 texture, on the GPU. Byte for byte what the CPU path writes:
/// (x / 2 + 0.5) clamped to [0, 1], × 255, + 0.5, truncated; alpha 255. Owns its program.
/// </summary>
/// <remarks>
/// Create, use and dispose on the GL thread. The source is typically a <see cref="GlExternalBuffer"/> over memory
/// CUDA or DirectML wrote; any GL buffer works. The target is bound as an r32ui image (same size class as RGBA8) so
/// that the bytes are packed exactly as computed, not by the driver's float → unorm conversion; <c>precise</c> keeps
/// the compiler from fusing the multiply-adds, which would round differently from the CPU.
/// </remarks>
public sealed class PlanarToRgbaPass : IDisposable
{
    private const string Source = """
        #version 450 core
        layout(local_size_x = 8, local_size_y = 8) in;
        layout(std430, binding = 0) readonly buffer Planar { float planar[]; };
        layout(r32ui, binding = 0) writeonly uniform uimage2D target;
        layout(location = 0) uniform ivec2 size;
        layout(location = 1) uniform int firstFloat;

        uint toByte(float x)
        {
            precise float scaled = clamp(x * 0.5 + 0.5, 0.0, 1.0) * 255.0 + 0.5;
            return uint(scaled);
        }

        void main()
        {
            ivec2 p = ivec2(gl_GlobalInvocationID.xy);
            if (p.x >= size.x || p.y >= size.y)
            {
                return;
            }

            int plane = size.x * size.y;
            int i = firstFloat + p.y * size.x + p.x;
            uint r = toByte(planar[i]);
            uint g = toByte(planar[i + plane]);
            uint b = toByte(planar[i + 2 * plane]);
            imageStore(target, p, uvec4(r | (g << 8) | (b << 16) | (255u << 24), 0u, 0u, 0u));
        }
        """;

    private readonly GL _gl;
    private readonly GlThread _glThread = GlThread.Current;
    private uint _program;

    /// <summary>Compiles the compute program.</summary>
    /// <exception cref="RealtimeGenException">The driver rejected the shader (needs GL 4.3 compute shaders).</exception>
    public PlanarToRgbaPass(GL gl)
    {
        ArgumentNullException.ThrowIfNull(gl);
        _gl = gl;
        uint shader = gl.CreateShader(ShaderType.ComputeShader);
        gl.ShaderSource(shader, Source);
        gl.CompileShader(shader);
        gl.GetShader(shader, ShaderParameterName.CompileStatus, out int compiled);
        if (compiled == 0)
        {
            string log = gl.GetShaderInfoLog(shader);
            gl.DeleteShader(shader);
            throw new RealtimeGenException($"The planar-to-RGBA compute shader failed to compile (GL 4.3 compute needed): {log.TrimEnd()}");
        }

        _program = gl.CreateProgram();
        gl.AttachShader(_program, shader);
        gl.LinkProgram(_program);
        gl.DetachShader(_program, shader);
        gl.DeleteShader(shader);
        gl.GetProgram(_program, ProgramPropertyARB.LinkStatus, out int linked);
        if (linked == 0)
        {
            string log = gl.GetProgramInfoLog(_program);
            gl.DeleteProgram(_program);
            _program = 0;
            throw new RealtimeGenException($"The planar-to-RGBA compute program failed to link: {log.TrimEnd()}");
        }
    }

    /// <summary>
    /// Converts the planar image starting at float <paramref name="firstFloat"/> of <paramref name="planarBuffer"/>
    /// into level 0 of <paramref name="target"/> (RGBA8, same size), and orders later texture reads after it.
    /// </summary>
    public void Run(uint planarBuffer, Texture2D target, int firstFloat = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        ObjectDisposedException.ThrowIf(_program == 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(firstFloat);
        if (target.Format != SizedInternalFormat.Rgba8)
        {
            throw new ArgumentException($"The target must be RGBA8; it is {target.Format}.", nameof(target));
        }

        _gl.UseProgram(_program);
        _gl.ProgramUniform2(_program, 0, target.Width, target.Height);
        _gl.ProgramUniform1(_program, 1, firstFloat);
        _gl.BindBufferBase(BufferTargetARB.ShaderStorageBuffer, 0, planarBuffer);
        _gl.BindImageTexture(0, target.Handle, 0, false, 0, BufferAccessARB.WriteOnly, InternalFormat.R32ui);
        _gl.DispatchCompute((uint)((target.Width + 7) / 8), (uint)((target.Height + 7) / 8), 1);
        _gl.MemoryBarrier(MemoryBarrierMask.TextureFetchBarrierBit | MemoryBarrierMask.TextureUpdateBarrierBit);
        _gl.BindImageTexture(0, 0, 0, false, 0, BufferAccessARB.WriteOnly, InternalFormat.R32ui);
        _gl.BindBufferBase(BufferTargetARB.ShaderStorageBuffer, 0, 0);
        _gl.UseProgram(0);
    }

    /// <summary>Deletes the program; call on the GL thread.</summary>
    public void Dispose()
    {
        if (_program == 0 || !_glThread.CheckDisposeThread(nameof(PlanarToRgbaPass)))
        {
            return;
        }

        _gl.DeleteProgram(_program);
        _program = 0;
    }
}
