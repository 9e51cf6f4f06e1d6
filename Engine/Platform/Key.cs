namespace RealtimeGen.Engine.Platform;

/// <summary>A physical key, named for the US layout. Values are GLFW's <c>GLFW_KEY_*</c> codes, so keys this enum
/// does not name still arrive as their GLFW number.</summary>
public enum Key
{
    /// <summary>A key GLFW could not identify.</summary>
    Unknown = -1,

    /// <summary>No key (the default value).</summary>
    None = 0,

    /// <summary>The space key.</summary>
    Space = 32,

    /// <summary>The apostrophe key.</summary>
    Apostrophe = 39,

    /// <summary>The comma key.</summary>
    Comma = 44,

    /// <summary>The minus key.</summary>
    Minus = 45,

    /// <summary>The period key.</summary>
    Period = 46,

    /// <summary>The slash key.</summary>
    Slash = 47,

    /// <summary>Digit 0 on the main row.</summary>
    D0 = 48,

    /// <summary>Digit 1 on the main row.</summary>
    D1 = 49,

    /// <summary>Digit 2 on the main row.</summary>
    D2 = 50,

    /// <summary>Digit 3 on the main row.</summary>
    D3 = 51,

    /// <summary>Digit 4 on the main row.</summary>
    D4 = 52,

    /// <summary>Digit 5 on the main row.</summary>
    D5 = 53,

    /// <summary>Digit 6 on the main row.</summary>
    D6 = 54,

    /// <summary>Digit 7 on the main row.</summary>
    D7 = 55,

    /// <summary>Digit 8 on the main row.</summary>
    D8 = 56,

    /// <summary>Digit 9 on the main row.</summary>
    D9 = 57,

    /// <summary>The semicolon key.</summary>
    Semicolon = 59,

    /// <summary>The equal key.</summary>
    Equal = 61,

    /// <summary>The A key.</summary>
    A = 65,

    /// <summary>The B key.</summary>
    B = 66,

    /// <summary>The C key.</summary>
    C = 67,

    /// <summary>The D key.</summary>
    D = 68,

    /// <summary>The E key.</summary>
    E = 69,

    /// <summary>The F key.</summary>
    F = 70,

    /// <summary>The G key.</summary>
    G = 71,

    /// <summary>The H key.</summary>
    H = 72,

    /// <summary>The I key.</summary>
    I = 73,

    /// <summary>The J key.</summary>
    J = 74,

    /// <summary>The K key.</summary>
    K = 75,

    /// <summary>The L key.</summary>
    L = 76,

    /// <summary>The M key.</summary>
    M = 77,

    /// <summary>The N key.</summary>
    N = 78,

    /// <summary>The O key.</summary>
    O = 79,

    /// <summary>The P key.</summary>
    P = 80,

    /// <summary>The Q key.</summary>
    Q = 81,

    /// <summary>The R key.</summary>
    R = 82,

    /// <summary>The S key.</summary>
    S = 83,

    /// <summary>The T key.</summary>
    T = 84,

    /// <summary>The U key.</summary>
    U = 85,

    /// <summary>The V key.</summary>
    V = 86,

    /// <summary>The W key.</summary>
    W = 87,

    /// <summary>The X key.</summary>
    X = 88,

    /// <summary>The Y key.</summary>
    Y = 89,

    /// <summary>The Z key.</summary>
    Z = 90,

    /// <summary>The left bracket key.</summary>
    LeftBracket = 91,

    /// <summary>The backslash key.</summary>
    Backslash = 92,

    /// <summary>The right bracket key.</summary>
    RightBracket = 93,

    /// <summary>The grave accent key.</summary>
    GraveAccent = 96,

    /// <summary>The escape key.</summary>
    Escape = 256,

    /// <summary>The enter key.</summary>
    Enter = 257,

    /// <summary>The tab key.</summary>
    Tab = 258,

    /// <summary>The backspace key.</summary>
    Backspace = 259,

    /// <summary>The insert key.</summary>
    Insert = 260,

    /// <summary>The delete key.</summary>
    Delete = 261,

    /// <summary>Right arrow.</summary>
    Right = 262,

    /// <summary>Left arrow.</summary>
    Left = 263,

    /// <summary>Down arrow.</summary>
    Down = 264,

    /// <summary>Up arrow.</summary>
    Up = 265,

    /// <summary>The page up key.</summary>
    PageUp = 266,

    /// <summary>The page down key.</summary>
    PageDown = 267,

    /// <summary>The home key.</summary>
    Home = 268,

    /// <summary>The end key.</summary>
    End = 269,

    /// <summary>The caps lock key.</summary>
    CapsLock = 280,

    /// <summary>The scroll lock key.</summary>
    ScrollLock = 281,

    /// <summary>The num lock key.</summary>
    NumLock = 282,

    /// <summary>The print screen key.</summary>
    PrintScreen = 283,

    /// <summary>The pause key.</summary>
    Pause = 284,

    /// <summary>Function key 1.</summary>
    F1 = 290,

    /// <summary>Function key 2.</summary>
    F2 = 291,

    /// <summary>Function key 3.</summary>
    F3 = 292,

    /// <summary>Function key 4.</summary>
    F4 = 293,

    /// <summary>Function key 5.</summary>
    F5 = 294,

    /// <summary>Function key 6.</summary>
    F6 = 295,

    /// <summary>Function key 7.</summary>
    F7 = 296,

    /// <summary>Function key 8.</summary>
    F8 = 297,

    /// <summary>Function key 9.</summary>
    F9 = 298,

    /// <summary>Function key 10.</summary>
    F10 = 299,

    /// <summary>Function key 11.</summary>
    F11 = 300,

    /// <summary>Function key 12.</summary>
    F12 = 301,

    /// <summary>The left shift key.</summary>
    LeftShift = 340,

    /// <summary>The left control key.</summary>
    LeftControl = 341,

    /// <summary>The left alt key.</summary>
    LeftAlt = 342,

    /// <summary>The left super key.</summary>
    LeftSuper = 343,

    /// <summary>The right shift key.</summary>
    RightShift = 344,

    /// <summary>The right control key.</summary>
    RightControl = 345,

    /// <summary>The right alt key.</summary>
    RightAlt = 346,

    /// <summary>The right super key.</summary>
    RightSuper = 347,

    /// <summary>The menu key.</summary>
    Menu = 348,
}
