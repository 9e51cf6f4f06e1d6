namespace RealtimeGen.Engine.Platform;

/// <summary>What an <see cref="InputEvent"/> reports.</summary>
public enum InputEventKind
{
    /// <summary>A key went down.</summary>
    KeyDown = 0,

    /// <summary>A held key repeated (the OS's auto-repeat).</summary>
    KeyRepeat = 1,

    /// <summary>A key went up.</summary>
    KeyUp = 2,

    /// <summary>Text input: one Unicode scalar value after keyboard layout and dead keys.</summary>
    Character = 3,
}
