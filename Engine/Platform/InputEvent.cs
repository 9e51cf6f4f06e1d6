using System.Text;

namespace RealtimeGen.Engine.Platform;

/// <summary>One key or character event; a small value type so reading input allocates nothing.</summary>
/// <param name="Kind">Which of key down, repeat, up or character.</param>
/// <param name="Key">The key for key events; <see cref="Key.None"/> for characters.</param>
/// <param name="Modifiers">Modifiers held during a key event; <see cref="KeyModifiers.None"/> for characters.</param>
/// <param name="Character">The text typed for <see cref="InputEventKind.Character"/>; default otherwise.</param>
public readonly record struct InputEvent(InputEventKind Kind, Key Key, KeyModifiers Modifiers, Rune Character)
{
    /// <summary>A key event of the given kind.</summary>
    public static InputEvent ForKey(InputEventKind kind, Key key, KeyModifiers modifiers) => new(kind, key, modifiers, default);

    /// <summary>A character event.</summary>
    public static InputEvent ForCharacter(Rune character) => new(InputEventKind.Character, Key.None, KeyModifiers.None, character);
}
