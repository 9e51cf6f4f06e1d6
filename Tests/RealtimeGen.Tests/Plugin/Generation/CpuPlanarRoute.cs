using Microsoft.ML.OnnxRuntime;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Tests.Plugin.Generation;

/// <summary>A GPU output route without GL, for backend tests: the decoder writes managed floats; the test plays the render
/// thread by calling <see cref="Latch"/>, which only makes the route writable again.</summary>
internal sealed class CpuPlanarRoute : IGpuOutputRoute
{
    private readonly float[] _planar;
    private int _state;

    public CpuPlanarRoute(int width, int height, int outputWidth = 0)
    {
        Width = width;
        Height = height;
        int w = outputWidth > 0 ? outputWidth : width;
        _planar = new float[3 * w * height];
        DecoderOutput = OrtValue.CreateTensorValueFromMemory(_planar, [1, 3, height, w]);
    }

    public int Width { get; }

    public int Height { get; }

    public OrtValue DecoderOutput { get; }

    public Texture2D Texture => throw new InvalidOperationException("This test route has no GL texture.");

    public long LatchedCount { get; private set; }

    public bool ConversionPending => false;

    public int Discards { get; private set; }

    public bool Writing => _state == 1;

    public float[] Planar => _planar;

    public bool TryBeginWrite(int width, int height) => width == Width && height == Height && Interlocked.CompareExchange(ref _state, 1, 0) == 0;

    public void EndWrite() => _state = _state == 1 ? 2 : throw new InvalidOperationException("EndWrite without a write.");

    public void Discard()
    {
        Discards++;
        _state = 0;
    }

    public bool Latch()
    {
        if (_state != 2)
        {
            return false;
        }

        LatchedCount++;
        _state = 0;
        return true;
    }

    public bool TryRetire() => _state == 0;

    public void Dispose() => DecoderOutput.Dispose();
}
