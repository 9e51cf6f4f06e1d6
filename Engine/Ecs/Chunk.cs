using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RealtimeGen.Engine.Ecs;

/// <summary>
/// A block of up to <see cref="Capacity"/> entities of one archetype, stored as structure of arrays: one column per
/// component type plus the entity handles, all indexed by the same slot.
/// </summary>
/// <remarks>
/// Chunks are reached by iterating a <see cref="Query"/>: <c>foreach (ref readonly var chunk in world.Query(in d))</c>.
/// Fetch each column once per chunk (<see cref="GetSpan{T}"/> or <see cref="GetFirst{T}"/>) and loop over
/// <c>0..Size</c>; slots are dense. A chunk is valid only while the query iterates: structural changes, which
/// are refused during iteration, move entities between slots. Not thread-safe.
/// </remarks>
public struct Chunk
{
    private readonly Entity[] _entities;
    private readonly Array[] _columns;
    private readonly int[] _columnOfComponent;

    internal Chunk(int capacity, ComponentType[] types, int[] columnOfComponent)
    {
        _entities = new Entity[capacity];
        _columns = new Array[types.Length];
        for (var i = 0; i < types.Length; i++)
        {
            _columns[i] = types[i].Operations.CreateColumn(capacity);
        }

        _columnOfComponent = columnOfComponent;
    }

    /// <summary>Number of live entities; they occupy slots <c>0..Size-1</c>.</summary>
    public int Size { readonly get; internal set; }

    /// <summary>Slots this chunk has, set by the world's chunk byte budget.</summary>
    public readonly int Capacity => _entities?.Length ?? 0;

    /// <summary>The handles of the entities in slot order.</summary>
    public readonly ReadOnlySpan<Entity> Entities => new(_entities, 0, Size);

    internal readonly Entity[] EntityArray => _entities;

    internal readonly Array[] Columns => _columns;

    /// <summary>Whether this chunk's archetype has a column of <typeparamref name="T"/>.</summary>
    public readonly bool Has<T>() => ColumnOf(Component<T>.Id) >= 0;

    /// <summary>The <typeparamref name="T"/> values of the live entities, writable in place.</summary>
    /// <exception cref="RealtimeGenException">The archetype has no <typeparamref name="T"/>.</exception>
    public readonly Span<T> GetSpan<T>() => MemoryMarshal.CreateSpan(ref GetFirst<T>(), Size);

    /// <summary>
    /// Reference to slot 0 of the <typeparamref name="T"/> column; step with <c>Unsafe.Add(ref first, i)</c> for
    /// <c>i</c> below <see cref="Size"/>.
    /// </summary>
    /// <exception cref="RealtimeGenException">The archetype has no <typeparamref name="T"/>.</exception>
    public readonly ref T GetFirst<T>()
    {
        var column = ColumnOf(Component<T>.Id);
        if (column < 0)
        {
            ThrowMissing(typeof(T));
        }

        return ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T[]>(_columns[column]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal readonly int ColumnOf(int componentId) =>
        _columnOfComponent is { } map && (uint)componentId < (uint)map.Length ? map[componentId] : -1;

    [DoesNotReturn]
    private static void ThrowMissing(Type type) =>
        throw new RealtimeGenException(
            $"Expected a chunk column of component {type.Name}, but this chunk's archetype has none. "
            + $"Add {type.Name} to the query's WithAll<...>() or check chunk.Has<{type.Name}>() first.");
}
