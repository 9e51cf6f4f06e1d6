namespace RealtimeGen.Engine.Platform;

/// <summary>Modifier keys held during a key event; the values are GLFW's <c>GLFW_MOD_*</c> bits.</summary>
[Flags]
public enum KeyModifiers
{
    /// <summary>No modifier.</summary>
    None = 0,

    /// <summary>Either shift key.</summary>
    Shift = 0x01,

    /// <summary>Either control key.</summary>
    Control = 0x02,

    /// <summary>Either alt key.</summary>
    Alt = 0x04,

    /// <summary>Either super (Windows/command) key.</summary>
    Super = 0x08,

    /// <summary>Caps lock is on.</summary>
    CapsLock = 0x10,

    /// <summary>Num lock is on.</summary>
    NumLock = 0x20,
}
