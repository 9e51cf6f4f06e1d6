using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Plugin.ExternalMemory;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Plugin.Streaming;

/// <summary>
/// The GPU output route's shape over CPU memory, so the routed wiring runs here without CUDA or DirectML: the decoder
/// (CPU provider) writes managed floats through IOBinding, the render thread uploads them into a plain GL buffer with
/// glNamedBufferSubData before the same <see cref="RealtimeGen.Engine.ExternalMemory.PlanarToRgbaPass"/> the real routes use.
/// </summary>
internal sealed class UploadedPlanarRoute : PlanarOutputRoute
{
    private readonly float[] _planar;
    private readonly OrtValue _output;
    private uint _buffer;

    public UploadedPlanarRoute(GL gl, int width, int height)
        : base(gl, width, height)
    {
        _planar = new float[3 * width * height];
        _output = OrtValue.CreateTensorValueFromMemory(_planar, [1, 3, height, width]);
        _buffer = gl.CreateBuffer();
        gl.NamedBufferStorage<float>(_buffer, (nuint)(_planar.Length * sizeof(float)), null, BufferStorageMask.DynamicStorageBit);
    }

    /// <summary>The floats the decoder writes (tests fill them by hand to stand in for a decoder run).</summary>
    public Span<float> Planar => _planar;

    public override OrtValue DecoderOutput => _output;

    /// <summary>The GL buffer name while alive; 0 once disposed.</summary>
    public uint Buffer => _buffer;

    public bool Disposed { get; private set; }

    protected override uint SourceBuffer => _buffer;

    protected override void BeforeConversion() => Gl.NamedBufferSubData<float>(_buffer, 0, _planar);

    protected override void DisposeShared()
    {
        _output.Dispose();
        Gl.DeleteBuffer(_buffer);
        _buffer = 0;
        Disposed = true;
    }
}
