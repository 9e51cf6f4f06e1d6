using System.Runtime.CompilerServices;

namespace RealtimeGen.Engine.Ecs;

/// <summary>
/// Type-erased operations on one component column (<c>T[]</c>), so structural changes can create, copy and clear
/// columns by <see cref="ComponentType"/> without reflection or boxing.
/// </summary>
internal abstract class ColumnOperations
{
    public abstract Array CreateColumn(int capacity);

    public abstract void Copy(Array source, int sourceIndex, Array destination, int destinationIndex);

    /// <summary>Resets a slot to default; for unmanaged columns only when <paramref name="always"/> is set.</summary>
    public abstract void Clear(Array column, int index, bool always);
}

/// <summary>The typed column operations of <typeparamref name="T"/>.</summary>
internal sealed class ColumnOperations<T> : ColumnOperations
{
    public override Array CreateColumn(int capacity) => new T[capacity];

    public override void Copy(Array source, int sourceIndex, Array destination, int destinationIndex) =>
        Unsafe.As<T[]>(destination)[destinationIndex] = Unsafe.As<T[]>(source)[sourceIndex];

    public override void Clear(Array column, int index, bool always)
    {
        // Unmanaged leftovers are harmless (the slot is overwritten before it is read); references would keep
        // objects alive, so they are always dropped.
        if (always || RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            Unsafe.As<T[]>(column)[index] = default!;
        }
    }
}
