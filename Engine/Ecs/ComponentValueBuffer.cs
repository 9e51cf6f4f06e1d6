namespace RealtimeGen.Engine.Ecs;

/// <summary>
/// Recorded component values of one type, so a <see cref="CommandBuffer"/> stores them unboxed and applies them
/// through the typed world API.
/// </summary>
internal abstract class ComponentValueBuffer
{
    public abstract void Apply(World world, Entity entity, CommandKind kind, int valueIndex);

    public abstract void Clear();
}

/// <summary>The recorded <typeparamref name="T"/> values of a <see cref="CommandBuffer"/>.</summary>
internal sealed class ComponentValueBuffer<T> : ComponentValueBuffer
{
    private T[] _values = new T[8];
    private int _count;

    public int Push(in T value)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count] = value;
        return _count++;
    }

    public override void Apply(World world, Entity entity, CommandKind kind, int valueIndex)
    {
        switch (kind)
        {
            case CommandKind.Add:
                world.Add(entity, in _values[valueIndex]);
                break;
            case CommandKind.Set:
                world.Set(entity, in _values[valueIndex]);
                break;
            case CommandKind.Remove:
                world.Remove<T>(entity);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only Add, Set and Remove carry a component.");
        }
    }

    public override void Clear()
    {
        // Drop references so recorded managed values do not outlive the playback.
        Array.Clear(_values, 0, _count);
        _count = 0;
    }
}
