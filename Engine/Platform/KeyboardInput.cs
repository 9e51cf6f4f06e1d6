namespace RealtimeGen.Engine.Platform;

/// <summary>
/// A fixed-capacity ring of <see cref="InputEvent"/>s plus the held state of every key, filled by a context's
/// <see cref="IGraphicsContext.PollEvents"/> and drained by the frame loop.
/// </summary>
/// <remarks>
/// Not thread-safe: posting and reading both happen on the GL thread. Nothing allocates after construction. When the
/// ring is full the newest event is dropped and <see cref="DroppedCount"/> counts it, so a frame loop that stalls
/// loses the latest keystrokes rather than growing without bound.
/// </remarks>
public sealed class KeyboardInput
{
    /// <summary>Capacity used by the contexts: far more events than a person can produce in one frame.</summary>
    public const int DefaultCapacity = 256;

    // GLFW_KEY_LAST is 348; one flag per possible key code.
    private const int KeyStateCount = 512;

    private readonly InputEvent[] _ring;
    private readonly bool[] _keyDown = new bool[KeyStateCount];
    private int _head;
    private int _count;

    /// <summary>Creates an empty queue holding at most <paramref name="capacity"/> unread events.</summary>
    public KeyboardInput(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new InputEvent[capacity];
    }

    /// <summary>Number of unread events.</summary>
    public int Count => _count;

    /// <summary>Events lost because the ring was full, since construction.</summary>
    public long DroppedCount { get; private set; }

    /// <summary>Whether <paramref name="key"/> is held, as of the last event posted for it.</summary>
    public bool IsKeyDown(Key key) => (uint)key < KeyStateCount && _keyDown[(int)key];

    /// <summary>Appends an event and updates key state; platform contexts call this, and so may scripted input.</summary>
    public void Post(in InputEvent inputEvent)
    {
        if ((uint)inputEvent.Key < KeyStateCount)
        {
            if (inputEvent.Kind == InputEventKind.KeyDown)
            {
                _keyDown[(int)inputEvent.Key] = true;
            }
            else if (inputEvent.Kind == InputEventKind.KeyUp)
            {
                _keyDown[(int)inputEvent.Key] = false;
            }
        }

        if (_count == _ring.Length)
        {
            DroppedCount++;
            return;
        }

        _ring[(_head + _count) % _ring.Length] = inputEvent;
        _count++;
    }

    /// <summary>Takes the oldest unread event; false when there is none.</summary>
    public bool TryRead(out InputEvent inputEvent)
    {
        if (_count == 0)
        {
            inputEvent = default;
            return false;
        }

        inputEvent = _ring[_head];
        _head = (_head + 1) % _ring.Length;
        _count--;
        return true;
    }

    /// <summary>Discards unread events; key state is kept.</summary>
    public void Clear()
    {
        _head = 0;
        _count = 0;
    }
}
