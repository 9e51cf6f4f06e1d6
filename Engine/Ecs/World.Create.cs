using System.Runtime.CompilerServices;

namespace RealtimeGen.Engine.Ecs;

/// <content>Generic entity creation (Arch's <c>world.Create(new A(), new B())</c>), arity 1 to 4.</content>
public sealed partial class World
{
    /// <summary>Creates an entity with the given components.</summary>
    /// <param name="t0">Initial <typeparamref name="T0"/> value.</param>
    /// <returns>The new entity's handle.</returns>
    /// <remarks>
    /// Allocation-free once the archetype exists (its chunks grow in steps). Structural: refused while a query
    /// iterates; use <see cref="CommandBuffer.Create()"/> there.
    /// </remarks>
    /// <exception cref="RealtimeGenException">A type is listed twice, or a query is iterating.</exception>
    public Entity Create<T0>(in T0 t0 = default!)
    {
        if (ComponentSet<T0>.HasDuplicates)
        {
            ThrowDuplicateTypes(ComponentSet<T0>.Types);
        }

        var archetype = GetOrCreateArchetype(ComponentSet<T0>.Signature, ComponentSet<T0>.Types);
        var entity = CreateIn(archetype, out var chunkIndex, out var slot);
        ref var chunk = ref archetype.Chunks[chunkIndex];
        Unsafe.As<T0[]>(chunk.Columns[archetype.ColumnOf(Component<T0>.Id)])[slot] = t0;
        return entity;
    }

    /// <summary>Creates an entity with the given components.</summary>
    /// <param name="t0">Initial <typeparamref name="T0"/> value.</param>
    /// <param name="t1">Initial <typeparamref name="T1"/> value.</param>
    /// <returns>The new entity's handle.</returns>
    /// <remarks>
    /// Allocation-free once the archetype exists (its chunks grow in steps). Structural: refused while a query
    /// iterates; use <see cref="CommandBuffer.Create()"/> there.
    /// </remarks>
    /// <exception cref="RealtimeGenException">A type is listed twice, or a query is iterating.</exception>
    public Entity Create<T0, T1>(in T0 t0 = default!, in T1 t1 = default!)
    {
        if (ComponentSet<T0, T1>.HasDuplicates)
        {
            ThrowDuplicateTypes(ComponentSet<T0, T1>.Types);
        }

        var archetype = GetOrCreateArchetype(ComponentSet<T0, T1>.Signature, ComponentSet<T0, T1>.Types);
        var entity = CreateIn(archetype, out var chunkIndex, out var slot);
        ref var chunk = ref archetype.Chunks[chunkIndex];
        Unsafe.As<T0[]>(chunk.Columns[archetype.ColumnOf(Component<T0>.Id)])[slot] = t0;
        Unsafe.As<T1[]>(chunk.Columns[archetype.ColumnOf(Component<T1>.Id)])[slot] = t1;
        return entity;
    }

    /// <summary>Creates an entity with the given components.</summary>
    /// <param name="t0">Initial <typeparamref name="T0"/> value.</param>
    /// <param name="t1">Initial <typeparamref name="T1"/> value.</param>
    /// <param name="t2">Initial <typeparamref name="T2"/> value.</param>
    /// <returns>The new entity's handle.</returns>
    /// <remarks>
    /// Allocation-free once the archetype exists (its chunks grow in steps). Structural: refused while a query
    /// iterates; use <see cref="CommandBuffer.Create()"/> there.
    /// </remarks>
    /// <exception cref="RealtimeGenException">A type is listed twice, or a query is iterating.</exception>
    public Entity Create<T0, T1, T2>(in T0 t0 = default!, in T1 t1 = default!, in T2 t2 = default!)
    {
        if (ComponentSet<T0, T1, T2>.HasDuplicates)
        {
            ThrowDuplicateTypes(ComponentSet<T0, T1, T2>.Types);
        }

        var archetype = GetOrCreateArchetype(ComponentSet<T0, T1, T2>.Signature, ComponentSet<T0, T1, T2>.Types);
        var entity = CreateIn(archetype, out var chunkIndex, out var slot);
        ref var chunk = ref archetype.Chunks[chunkIndex];
        Unsafe.As<T0[]>(chunk.Columns[archetype.ColumnOf(Component<T0>.Id)])[slot] = t0;
        Unsafe.As<T1[]>(chunk.Columns[archetype.ColumnOf(Component<T1>.Id)])[slot] = t1;
        Unsafe.As<T2[]>(chunk.Columns[archetype.ColumnOf(Component<T2>.Id)])[slot] = t2;
        return entity;
    }

    /// <summary>Creates an entity with the given components.</summary>
    /// <param name="t0">Initial <typeparamref name="T0"/> value.</param>
    /// <param name="t1">Initial <typeparamref name="T1"/> value.</param>
    /// <param name="t2">Initial <typeparamref name="T2"/> value.</param>
    /// <param name="t3">Initial <typeparamref name="T3"/> value.</param>
    /// <returns>The new entity's handle.</returns>
    /// <remarks>
    /// Allocation-free once the archetype exists (its chunks grow in steps). Structural: refused while a query
    /// iterates; use <see cref="CommandBuffer.Create()"/> there.
    /// </remarks>
    /// <exception cref="RealtimeGenException">A type is listed twice, or a query is iterating.</exception>
    public Entity Create<T0, T1, T2, T3>(in T0 t0 = default!, in T1 t1 = default!, in T2 t2 = default!, in T3 t3 = default!)
    {
        if (ComponentSet<T0, T1, T2, T3>.HasDuplicates)
        {
            ThrowDuplicateTypes(ComponentSet<T0, T1, T2, T3>.Types);
        }

        var archetype = GetOrCreateArchetype(ComponentSet<T0, T1, T2, T3>.Signature, ComponentSet<T0, T1, T2, T3>.Types);
        var entity = CreateIn(archetype, out var chunkIndex, out var slot);
        ref var chunk = ref archetype.Chunks[chunkIndex];
        Unsafe.As<T0[]>(chunk.Columns[archetype.ColumnOf(Component<T0>.Id)])[slot] = t0;
        Unsafe.As<T1[]>(chunk.Columns[archetype.ColumnOf(Component<T1>.Id)])[slot] = t1;
        Unsafe.As<T2[]>(chunk.Columns[archetype.ColumnOf(Component<T2>.Id)])[slot] = t2;
        Unsafe.As<T3[]>(chunk.Columns[archetype.ColumnOf(Component<T3>.Id)])[slot] = t3;
        return entity;
    }
}
