using RealtimeGen.Engine.Rendering;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>
/// Collects downscaled frames into a grid and writes it as one PNG, with a text index of what each cell shows.
/// </summary>
/// <remarks>Capture happens on the GL thread after a frame was drawn; it reads the framebuffer back, so it stalls
/// that frame: use it for documenting a run, not in frames being measured.</remarks>
internal sealed class ContactSheet
{
    private readonly int _columns;
    private readonly int _scale;
    private readonly List<(byte[] Pixels, string Label)> _cells = [];
    private byte[] _frame = [];

    public ContactSheet(int columns, int scale)
    {
        _columns = columns;
        _scale = scale;
    }

    public int Count => _cells.Count;

    /// <summary>Reads the just-drawn frame, box-filters it down by the sheet's scale and keeps it with <paramref name="label"/>.</summary>
    public void Capture(Silk.NET.OpenGL.GL gl, uint framebuffer, int width, int height, string label)
    {
        var size = width * height * 4;
        if (_frame.Length != size)
        {
            _frame = new byte[size];
        }

        Screenshot.Capture(gl, framebuffer, width, height, _frame);
        CellWidth = width / _scale;
        CellHeight = height / _scale;
        _cells.Add((Downscale(_frame, width, CellWidth, CellHeight, _scale), label));
    }

    private int CellWidth { get; set; }

    private int CellHeight { get; set; }

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
        var sheetWidth = (columns * CellWidth) + ((columns + 1) * Gap);
        var sheetHeight = (rows * CellHeight) + ((rows + 1) * Gap);
        var sheet = new byte[sheetWidth * sheetHeight * 4];
        sheet.AsSpan().Fill(255);
        var index = new List<string>(_cells.Count);
        for (var c = 0; c < _cells.Count; c++)
        {
            var x0 = Gap + ((c % _columns) * (CellWidth + Gap));
            var y0 = Gap + ((c / _columns) * (CellHeight + Gap));
            for (var y = 0; y < CellHeight; y++)
            {
                _cells[c].Pixels.AsSpan(y * CellWidth * 4, CellWidth * 4)
                    .CopyTo(sheet.AsSpan((((y0 + y) * sheetWidth) + x0) * 4));
            }

            index.Add($"cell {c} (row {c / _columns}, column {c % _columns}): {_cells[c].Label}");
        }

        ImageFile.SavePng(pngPath, sheetWidth, sheetHeight, sheet);
        File.WriteAllLines(indexPath, index);
    }

    private static byte[] Downscale(byte[] source, int sourceWidth, int width, int height, int scale)
    {
        var result = new byte[width * height * 4];
        var area = scale * scale;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var ch = 0; ch < 4; ch++)
                {
                    var sum = 0;
                    for (var dy = 0; dy < scale; dy++)
                    {
                        var row = ((y * scale) + dy) * sourceWidth;
                        for (var dx = 0; dx < scale; dx++)
                        {
                            sum += source[((row + (x * scale) + dx) * 4) + ch];
                        }
                    }

                    result[(((y * width) + x) * 4) + ch] = (byte)(sum / area);
                }
            }
        }

        return result;
    }
}
