using System.Text;
using RealtimeGen.Engine.Platform;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>
/// The window's prompt editing: Tab selects the next object, typed characters and Backspace edit its prompt, Enter
/// asks for the edited prompt.
/// </summary>
internal sealed class PromptEditor
{
    private readonly string[] _prompts;
    private readonly StringBuilder _text = new();

    public PromptEditor(string[] prompts)
    {
        _prompts = prompts;
        _text.Append(prompts[0]);
    }

    /// <summary>The selected object.</summary>
    public int Selected { get; private set; }

    /// <summary>The prompt being edited.</summary>
    public string Text => _text.ToString();

    /// <summary>The prompt an object last asked for.</summary>
    public string PromptOf(int index) => _prompts[index];

    /// <summary>Records that <paramref name="index"/> now asks for <paramref name="prompt"/> (e.g. from a script).</summary>
    public void SetPrompt(int index, string prompt)
    {
        _prompts[index] = prompt;
        if (index == Selected)
        {
            _text.Clear().Append(prompt);
        }
    }

    /// <summary>Applies one input event; returns the object to regenerate when Enter was pressed, else -1.</summary>
    public int Handle(in InputEvent e)
    {
        if (e.Kind == InputEventKind.Character)
        {
            _text.Append(e.Character.ToString());
            return -1;
        }

        if (e.Kind is not (InputEventKind.KeyDown or InputEventKind.KeyRepeat))
        {
            return -1;
        }

        switch (e.Key)
        {
            case Key.Backspace when _text.Length > 0:
                _text.Length--;
                break;
            case Key.Tab:
                Selected = (Selected + 1) % _prompts.Length;
                _text.Clear().Append(_prompts[Selected]);
                break;
            case Key.Enter when _text.Length > 0:
                _prompts[Selected] = _text.ToString();
                return Selected;
            default:
                break;
        }

        return -1;
    }
}
