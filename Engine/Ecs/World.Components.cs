using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace RealtimeGen.Engine.Ecs;

/// <content>Per-entity component access and the structural changes Add and Remove.</content>
public sealed partial class World
{
    /// <summary>Whether a live entity has a <typeparamref name="T"/>.</summary>
    /// <exception cref="RealtimeGenException">The entity is not alive.</exception>
    public bool Has<T>(Entity entity) => RecordOf(entity).Archetype!.ColumnOf(Component<T>.Id) >= 0;

    /// <summary>Reference to a live entity's <typeparamref name="T"/>, writable in place.</summary>
    /// <remarks>The reference is valid until the next structural change of this world.</remarks>
    /// <exception cref="RealtimeGenException">The entity is not alive or has no <typeparamref name="T"/>.</exception>
    public ref T Get<T>(Entity entity)
    {
        ref var record = ref RecordOf(entity);
        var archetype = record.Archetype!;
        var column = archetype.ColumnOf(Component<T>.Id);
        if (column < 0)
        {
            ThrowMissing(entity, archetype, typeof(T));
        }

        return ref Unsafe.As<T[]>(archetype.Chunks[record.ChunkIndex].Columns[column])[record.Slot];
    }

    /// <summary>Copies out a live entity's <typeparamref name="T"/> when it has one.</summary>
    /// <returns>False (and <paramref name="value"/> default) when the entity has no <typeparamref name="T"/>.</returns>
    /// <exception cref="RealtimeGenException">The entity is not alive.</exception>
    public bool TryGet<T>(Entity entity, [MaybeNullWhen(false)] out T value)
    {
        ref var record = ref RecordOf(entity);
        var archetype = record.Archetype!;
        var column = archetype.ColumnOf(Component<T>.Id);
        if (column < 0)
        {
            value = default;
            return false;
        }

        value = Unsafe.As<T[]>(archetype.Chunks[record.ChunkIndex].Columns[column])[record.Slot];
        return true;
    }

    /// <summary>Overwrites a live entity's existing <typeparamref name="T"/>; not structural, so allowed in queries.</summary>
    /// <exception cref="RealtimeGenException">The entity is not alive or has no <typeparamref name="T"/> (use
    /// <see cref="Add{T}"/>).</exception>
    public void Set<T>(Entity entity, in T value) => Get<T>(entity) = value;

    /// <summary>
    /// Gives a live entity a <typeparamref name="T"/>, moving it to the archetype with that type; its other
    /// components keep their values.
    /// </summary>
    /// <remarks>Allocation-free once the archetype transition has been seen (transitions are cached as edges).</remarks>
    /// <exception cref="RealtimeGenException">The entity is not alive, already has a <typeparamref name="T"/> (use
    /// <see cref="Set{T}"/>), or a query is iterating (use <see cref="CommandBuffer.Add{T}"/>).</exception>
    public void Add<T>(Entity entity, in T value = default!)
    {
        EnsureNotIterating("Add");
        ref var record = ref RecordOf(entity);
        var source = record.Archetype!;
        var id = Component<T>.Id;
        if (source.ColumnOf(id) >= 0)
        {
            throw new RealtimeGenException(
                $"Expected {entity} to have no {typeof(T).Name} yet, but it has one. Use world.Set<{typeof(T).Name}>"
                + "(entity, value) to change an existing component.");
        }

        var target = source.GetAddEdge(id) ?? LinkAdd(source, Component<T>.ComponentType);
        Move(ref record, entity, target);
        Unsafe.As<T[]>(target.Chunks[record.ChunkIndex].Columns[target.ColumnOf(id)])[record.Slot] = value;
    }

    /// <summary>
    /// Takes a live entity's <typeparamref name="T"/> away, moving it to the archetype without that type; its other
    /// components keep their values.
    /// </summary>
    /// <exception cref="RealtimeGenException">The entity is not alive, has no <typeparamref name="T"/>, or a query is
    /// iterating (use <see cref="CommandBuffer.Remove{T}"/>).</exception>
    public void Remove<T>(Entity entity)
    {
        EnsureNotIterating("Remove");
        ref var record = ref RecordOf(entity);
        var source = record.Archetype!;
        var id = Component<T>.Id;
        if (source.ColumnOf(id) < 0)
        {
            ThrowMissing(entity, source, typeof(T));
        }

        var target = source.GetRemoveEdge(id) ?? LinkRemove(source, Component<T>.ComponentType);
        Move(ref record, entity, target);
    }

    [DoesNotReturn]
    private static void ThrowMissing(Entity entity, Archetype archetype, Type type) =>
        throw new RealtimeGenException(
            $"Expected {entity} to have {type.Name}, but its components are [{TypeNames(archetype.Types)}]. "
            + $"Add it with world.Add<{type.Name}>(entity, value), or check world.Has<{type.Name}>(entity) first.");

    private Archetype LinkAdd(Archetype source, ComponentType type)
    {
        var types = new ComponentType[source.Types.Length + 1];
        source.Types.CopyTo(types, 0);
        types[^1] = type;
        var target = GetOrCreateArchetype(source.Signature.With(type.Id), types);
        source.SetAddEdge(type.Id, target);
        target.SetRemoveEdge(type.Id, source);
        return target;
    }

    private Archetype LinkRemove(Archetype source, ComponentType type)
    {
        var types = new ComponentType[source.Types.Length - 1];
        var count = 0;
        foreach (var existing in source.Types)
        {
            if (existing.Id != type.Id)
            {
                types[count++] = existing;
            }
        }

        var target = GetOrCreateArchetype(source.Signature.Without(type.Id), types);
        source.SetRemoveEdge(type.Id, target);
        target.SetAddEdge(type.Id, source);
        return target;
    }
}
