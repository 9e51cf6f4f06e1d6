using System.Collections.Concurrent;
using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>
/// Collects downscaled frames into a grid and writes it as one PNG, with a text index of what each cell shows.
/// </summary>
/// <remarks>
/// <see cref="Add"/> runs on the GL thread inside a frame, so it only copies the frame into a pooled buffer; the
/// box filter runs on the thread pool. Frames arrive through a <see cref="FrameReadback"/>, so the frame that asked
/// for a capture never waits for the read-back either.
/// </remarks>
internal sealed class ContactSheet
{
    private readonly int _columns;
    private readonly int _scale;
    private readonly List<Task<byte[]>> _cells = [];
    private readonly List<string> _labels = [];
    private readonly ConcurrentBag<byte[]> _frames = [];
    private int _cellWidth;
    private int _cellHeight;

    public ContactSheet(int columns, int scale)
    {
        _columns = columns;
        _scale = scale;
    }

    public int Count => _cells.Count;

    /// <summary>Keeps <paramref name="rgba"/> (RGBA8, bottom row first, as GL reads it) as the next cell, labelled <paramref name="label"/>.</summary>
    public void Add(ReadOnlySpan<byte> rgba, int width, int height, string label)
    {
        if (_cells.Count > 0 && (width / _scale != _cellWidth || height / _scale != _cellHeight))
        {
            return; // A resized window: the grid keeps the first frame's cell size.
        }

        _cellWidth = width / _scale;
        _cellHeight = height / _scale;
        if (!_frames.TryTake(out byte[]? frame) || frame.Length != rgba.Length)
        {
            frame = new byte[rgba.Length];
        }

        rgba.CopyTo(frame);
        int cellWidth = _cellWidth, cellHeight = _cellHeight, scale = _scale;
        _cells.Add(Task.Run(() =>
        {
            byte[] cell = Downscale(frame, width, height, cellWidth, cellHeight, scale);
            _frames.Add(frame);
            return cell;
        }));
        _labels.Add(label);
    }

    /// <summary>Writes the grid to <paramref name="pngPath"/> and the labels, one per cell in reading order, beside it.</summary>
    public void Write(string pngPath, string indexPath)
    {
        if (_cells.Count == 0)
        {
            return;
        }

        const int Gap = 4;
        var rows = (_cells.Count + _columns - 1) / _columns;
        var columns = Math.Min(_columns, _cells.Count);
        var sheetWidth = (columns * _cellWidth) + ((columns + 1) * Gap);
        var sheetHeight = (rows * _cellHeight) + ((rows + 1) * Gap);
        var sheet = new byte[sheetWidth * sheetHeight * 4];
        sheet.AsSpan().Fill(255);
        var index = new List<string>(_cells.Count);
        for (var c = 0; c < _cells.Count; c++)
        {
            byte[] pixels = _cells[c].GetAwaiter().GetResult();
            var x0 = Gap + ((c % _columns) * (_cellWidth + Gap));
            var y0 = Gap + ((c / _columns) * (_cellHeight + Gap));
            for (var y = 0; y < _cellHeight; y++)
            {
                pixels.AsSpan(y * _cellWidth * 4, _cellWidth * 4).CopyTo(sheet.AsSpan((((y0 + y) * sheetWidth) + x0) * 4));
            }

            index.Add($"cell {c} (row {c / _columns}, column {c % _columns}): {_labels[c]}");
        }

        ImageFile.SavePng(pngPath, sheetWidth, sheetHeight, sheet);
        File.WriteAllLines(indexPath, index);
    }

    // Box filter by `scale`; source rows are bottom-first, cell rows top-first.
    private static byte[] Downscale(byte[] source, int sourceWidth, int sourceHeight, int width, int height, int scale)
    {
        var result = new byte[width * height * 4];
        var area = scale * scale;
        Span<int> sum = stackalloc int[4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                sum.Clear();
                for (var dy = 0; dy < scale; dy++)
                {
                    var row = (sourceHeight - 1 - ((y * scale) + dy)) * sourceWidth;
                    for (var dx = 0; dx < scale; dx++)
                    {
                        var p = (row + (x * scale) + dx) * 4;
                        sum[0] += source[p];
                        sum[1] += source[p + 1];
                        sum[2] += source[p + 2];
                        sum[3] += source[p + 3];
                    }
                }

                var o = ((y * width) + x) * 4;
                for (var ch = 0; ch < 4; ch++)
                {
                    result[o + ch] = (byte)(sum[ch] / area);
                }
            }
        }

        return result;
    }
}
