using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RealtimeGen.Engine.Ecs;

/// <content>Allocation-free struct queries (Arch's <c>InlineQuery</c> and <c>InlineEntityQuery</c>), arity 1 to 4.</content>
public sealed partial class World
{
    /// <summary>
    /// Calls <paramref name="forEach"/>'s <c>Update</c> on every entity that matches <paramref name="description"/>;
    /// the struct's state is kept, so it can accumulate results.
    /// </summary>
    /// <remarks>
    /// Allocation-free; the JIT specialises the loop for <typeparamref name="TForEach"/> and inlines
    /// <c>Update</c>. Column base references are fetched once per chunk. Structural changes inside
    /// <c>Update</c> throw; record them on a <see cref="CommandBuffer"/>.
    /// </remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types, or
    /// <c>Update</c> made a structural change.</exception>
    public void InlineQuery<TForEach, T0>(in QueryDescription description, ref TForEach forEach)
        where TForEach : struct, IForEach<T0>
    {
        var query = Query(in description);
        var id0 = Component<T0>.Id;
        EnterIteration();
        try
        {
            var archetypes = query.Archetypes;
            for (var a = 0; a < query.ArchetypeCount; a++)
            {
                var archetype = archetypes[a];
                if (archetype.EntityCount == 0)
                {
                    continue;
                }

                var c0 = ColumnOrThrow(archetype, id0, typeof(T0));
                var chunks = archetype.Chunks;
                for (var c = 0; c < archetype.ChunkCount; c++)
                {
                    ref var chunk = ref chunks[c];
                    ref var r0 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T0[]>(chunk.Columns[c0]));
                    UpdateChunk<TForEach, T0>(ref forEach, ref r0, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    /// <summary>
    /// Calls <paramref name="forEach"/>'s <c>Update</c> on every entity that matches <paramref name="description"/>;
    /// the struct's state is kept, so it can accumulate results.
    /// </summary>
    /// <remarks>
    /// Allocation-free; the JIT specialises the loop for <typeparamref name="TForEach"/> and inlines
    /// <c>Update</c>. Column base references are fetched once per chunk. Structural changes inside
    /// <c>Update</c> throw; record them on a <see cref="CommandBuffer"/>.
    /// </remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types, or
    /// <c>Update</c> made a structural change.</exception>
    public void InlineQuery<TForEach, T0, T1>(in QueryDescription description, ref TForEach forEach)
        where TForEach : struct, IForEach<T0, T1>
    {
        var query = Query(in description);
        var id0 = Component<T0>.Id;
        var id1 = Component<T1>.Id;
        EnterIteration();
        try
        {
            var archetypes = query.Archetypes;
            for (var a = 0; a < query.ArchetypeCount; a++)
            {
                var archetype = archetypes[a];
                if (archetype.EntityCount == 0)
                {
                    continue;
                }

                var c0 = ColumnOrThrow(archetype, id0, typeof(T0));
                var c1 = ColumnOrThrow(archetype, id1, typeof(T1));
                var chunks = archetype.Chunks;
                for (var c = 0; c < archetype.ChunkCount; c++)
                {
                    ref var chunk = ref chunks[c];
                    ref var r0 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T0[]>(chunk.Columns[c0]));
                    ref var r1 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T1[]>(chunk.Columns[c1]));
                    UpdateChunk<TForEach, T0, T1>(ref forEach, ref r0, ref r1, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    /// <summary>
    /// Calls <paramref name="forEach"/>'s <c>Update</c> on every entity that matches <paramref name="description"/>;
    /// the struct's state is kept, so it can accumulate results.
    /// </summary>
    /// <remarks>
    /// Allocation-free; the JIT specialises the loop for <typeparamref name="TForEach"/> and inlines
    /// <c>Update</c>. Column base references are fetched once per chunk. Structural changes inside
    /// <c>Update</c> throw; record them on a <see cref="CommandBuffer"/>.
    /// </remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types, or
    /// <c>Update</c> made a structural change.</exception>
    public void InlineQuery<TForEach, T0, T1, T2>(in QueryDescription description, ref TForEach forEach)
        where TForEach : struct, IForEach<T0, T1, T2>
    {
        var query = Query(in description);
        var id0 = Component<T0>.Id;
        var id1 = Component<T1>.Id;
        var id2 = Component<T2>.Id;
        EnterIteration();
        try
        {
            var archetypes = query.Archetypes;
            for (var a = 0; a < query.ArchetypeCount; a++)
            {
                var archetype = archetypes[a];
                if (archetype.EntityCount == 0)
                {
                    continue;
                }

                var c0 = ColumnOrThrow(archetype, id0, typeof(T0));
                var c1 = ColumnOrThrow(archetype, id1, typeof(T1));
                var c2 = ColumnOrThrow(archetype, id2, typeof(T2));
                var chunks = archetype.Chunks;
                for (var c = 0; c < archetype.ChunkCount; c++)
                {
                    ref var chunk = ref chunks[c];
                    ref var r0 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T0[]>(chunk.Columns[c0]));
                    ref var r1 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T1[]>(chunk.Columns[c1]));
                    ref var r2 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T2[]>(chunk.Columns[c2]));
                    UpdateChunk<TForEach, T0, T1, T2>(ref forEach, ref r0, ref r1, ref r2, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    /// <summary>
    /// Calls <paramref name="forEach"/>'s <c>Update</c> on every entity that matches <paramref name="description"/>;
    /// the struct's state is kept, so it can accumulate results.
    /// </summary>
    /// <remarks>
    /// Allocation-free; the JIT specialises the loop for <typeparamref name="TForEach"/> and inlines
    /// <c>Update</c>. Column base references are fetched once per chunk. Structural changes inside
    /// <c>Update</c> throw; record them on a <see cref="CommandBuffer"/>.
    /// </remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types, or
    /// <c>Update</c> made a structural change.</exception>
    public void InlineQuery<TForEach, T0, T1, T2, T3>(in QueryDescription description, ref TForEach forEach)
        where TForEach : struct, IForEach<T0, T1, T2, T3>
    {
        var query = Query(in description);
        var id0 = Component<T0>.Id;
        var id1 = Component<T1>.Id;
        var id2 = Component<T2>.Id;
        var id3 = Component<T3>.Id;
        EnterIteration();
        try
        {
            var archetypes = query.Archetypes;
            for (var a = 0; a < query.ArchetypeCount; a++)
            {
                var archetype = archetypes[a];
                if (archetype.EntityCount == 0)
                {
                    continue;
                }

                var c0 = ColumnOrThrow(archetype, id0, typeof(T0));
                var c1 = ColumnOrThrow(archetype, id1, typeof(T1));
                var c2 = ColumnOrThrow(archetype, id2, typeof(T2));
                var c3 = ColumnOrThrow(archetype, id3, typeof(T3));
                var chunks = archetype.Chunks;
                for (var c = 0; c < archetype.ChunkCount; c++)
                {
                    ref var chunk = ref chunks[c];
                    ref var r0 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T0[]>(chunk.Columns[c0]));
                    ref var r1 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T1[]>(chunk.Columns[c1]));
                    ref var r2 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T2[]>(chunk.Columns[c2]));
                    ref var r3 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T3[]>(chunk.Columns[c3]));
                    UpdateChunk<TForEach, T0, T1, T2, T3>(ref forEach, ref r0, ref r1, ref r2, ref r3, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    /// <summary>
    /// Calls <paramref name="forEach"/>'s <c>Update</c> with the entity handle on every entity that matches
    /// <paramref name="description"/>.
    /// </summary>
    /// <remarks>Same contract as <see cref="InlineQuery{TForEach, T0}(in QueryDescription, ref TForEach)"/>.</remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types, or
    /// <c>Update</c> made a structural change.</exception>
    public void InlineEntityQuery<TForEach, T0>(in QueryDescription description, ref TForEach forEach)
        where TForEach : struct, IForEachWithEntity<T0>
    {
        var query = Query(in description);
        var id0 = Component<T0>.Id;
        EnterIteration();
        try
        {
            var archetypes = query.Archetypes;
            for (var a = 0; a < query.ArchetypeCount; a++)
            {
                var archetype = archetypes[a];
                if (archetype.EntityCount == 0)
                {
                    continue;
                }

                var c0 = ColumnOrThrow(archetype, id0, typeof(T0));
                var chunks = archetype.Chunks;
                for (var c = 0; c < archetype.ChunkCount; c++)
                {
                    ref var chunk = ref chunks[c];
                    ref var r0 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T0[]>(chunk.Columns[c0]));
                    ref var entities = ref MemoryMarshal.GetArrayDataReference(chunk.EntityArray);
                    UpdateChunkWithEntities<TForEach, T0>(ref forEach, ref entities, ref r0, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    /// <summary>
    /// Calls <paramref name="forEach"/>'s <c>Update</c> with the entity handle on every entity that matches
    /// <paramref name="description"/>.
    /// </summary>
    /// <remarks>Same contract as <see cref="InlineQuery{TForEach, T0, T1}(in QueryDescription, ref TForEach)"/>.</remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types, or
    /// <c>Update</c> made a structural change.</exception>
    public void InlineEntityQuery<TForEach, T0, T1>(in QueryDescription description, ref TForEach forEach)
        where TForEach : struct, IForEachWithEntity<T0, T1>
    {
        var query = Query(in description);
        var id0 = Component<T0>.Id;
        var id1 = Component<T1>.Id;
        EnterIteration();
        try
        {
            var archetypes = query.Archetypes;
            for (var a = 0; a < query.ArchetypeCount; a++)
            {
                var archetype = archetypes[a];
                if (archetype.EntityCount == 0)
                {
                    continue;
                }

                var c0 = ColumnOrThrow(archetype, id0, typeof(T0));
                var c1 = ColumnOrThrow(archetype, id1, typeof(T1));
                var chunks = archetype.Chunks;
                for (var c = 0; c < archetype.ChunkCount; c++)
                {
                    ref var chunk = ref chunks[c];
                    ref var r0 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T0[]>(chunk.Columns[c0]));
                    ref var r1 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T1[]>(chunk.Columns[c1]));
                    ref var entities = ref MemoryMarshal.GetArrayDataReference(chunk.EntityArray);
                    UpdateChunkWithEntities<TForEach, T0, T1>(ref forEach, ref entities, ref r0, ref r1, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    /// <summary>
    /// Calls <paramref name="forEach"/>'s <c>Update</c> with the entity handle on every entity that matches
    /// <paramref name="description"/>.
    /// </summary>
    /// <remarks>Same contract as <see cref="InlineQuery{TForEach, T0, T1, T2}(in QueryDescription, ref TForEach)"/>.</remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types, or
    /// <c>Update</c> made a structural change.</exception>
    public void InlineEntityQuery<TForEach, T0, T1, T2>(in QueryDescription description, ref TForEach forEach)
        where TForEach : struct, IForEachWithEntity<T0, T1, T2>
    {
        var query = Query(in description);
        var id0 = Component<T0>.Id;
        var id1 = Component<T1>.Id;
        var id2 = Component<T2>.Id;
        EnterIteration();
        try
        {
            var archetypes = query.Archetypes;
            for (var a = 0; a < query.ArchetypeCount; a++)
            {
                var archetype = archetypes[a];
                if (archetype.EntityCount == 0)
                {
                    continue;
                }

                var c0 = ColumnOrThrow(archetype, id0, typeof(T0));
                var c1 = ColumnOrThrow(archetype, id1, typeof(T1));
                var c2 = ColumnOrThrow(archetype, id2, typeof(T2));
                var chunks = archetype.Chunks;
                for (var c = 0; c < archetype.ChunkCount; c++)
                {
                    ref var chunk = ref chunks[c];
                    ref var r0 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T0[]>(chunk.Columns[c0]));
                    ref var r1 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T1[]>(chunk.Columns[c1]));
                    ref var r2 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T2[]>(chunk.Columns[c2]));
                    ref var entities = ref MemoryMarshal.GetArrayDataReference(chunk.EntityArray);
                    UpdateChunkWithEntities<TForEach, T0, T1, T2>(ref forEach, ref entities, ref r0, ref r1, ref r2, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    /// <summary>
    /// Calls <paramref name="forEach"/>'s <c>Update</c> with the entity handle on every entity that matches
    /// <paramref name="description"/>.
    /// </summary>
    /// <remarks>Same contract as <see cref="InlineQuery{TForEach, T0, T1, T2, T3}(in QueryDescription, ref TForEach)"/>.</remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types, or
    /// <c>Update</c> made a structural change.</exception>
    public void InlineEntityQuery<TForEach, T0, T1, T2, T3>(in QueryDescription description, ref TForEach forEach)
        where TForEach : struct, IForEachWithEntity<T0, T1, T2, T3>
    {
        var query = Query(in description);
        var id0 = Component<T0>.Id;
        var id1 = Component<T1>.Id;
        var id2 = Component<T2>.Id;
        var id3 = Component<T3>.Id;
        EnterIteration();
        try
        {
            var archetypes = query.Archetypes;
            for (var a = 0; a < query.ArchetypeCount; a++)
            {
                var archetype = archetypes[a];
                if (archetype.EntityCount == 0)
                {
                    continue;
                }

                var c0 = ColumnOrThrow(archetype, id0, typeof(T0));
                var c1 = ColumnOrThrow(archetype, id1, typeof(T1));
                var c2 = ColumnOrThrow(archetype, id2, typeof(T2));
                var c3 = ColumnOrThrow(archetype, id3, typeof(T3));
                var chunks = archetype.Chunks;
                for (var c = 0; c < archetype.ChunkCount; c++)
                {
                    ref var chunk = ref chunks[c];
                    ref var r0 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T0[]>(chunk.Columns[c0]));
                    ref var r1 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T1[]>(chunk.Columns[c1]));
                    ref var r2 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T2[]>(chunk.Columns[c2]));
                    ref var r3 = ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T3[]>(chunk.Columns[c3]));
                    ref var entities = ref MemoryMarshal.GetArrayDataReference(chunk.EntityArray);
                    UpdateChunkWithEntities<TForEach, T0, T1, T2, T3>(ref forEach, ref entities, ref r0, ref r1, ref r2, ref r3, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    // The per-chunk loops live in small methods of their own, kept out of line: the JIT then compiles the hot loop
    // apart from the archetype walk and its try/finally. On the 1M-entity benchmark the in-line loop was ~1 ns per
    // entity slower with identical loop code, so the separation is deliberate.

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UpdateChunk<TForEach, T0>(ref TForEach forEach, ref T0 r0, int size)
        where TForEach : struct, IForEach<T0>
    {
        for (nint i = 0; i < size; i++)
        {
            forEach.Update(ref Unsafe.Add(ref r0, i));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UpdateChunk<TForEach, T0, T1>(ref TForEach forEach, ref T0 r0, ref T1 r1, int size)
        where TForEach : struct, IForEach<T0, T1>
    {
        for (nint i = 0; i < size; i++)
        {
            forEach.Update(ref Unsafe.Add(ref r0, i), ref Unsafe.Add(ref r1, i));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UpdateChunk<TForEach, T0, T1, T2>(ref TForEach forEach, ref T0 r0, ref T1 r1, ref T2 r2, int size)
        where TForEach : struct, IForEach<T0, T1, T2>
    {
        for (nint i = 0; i < size; i++)
        {
            forEach.Update(ref Unsafe.Add(ref r0, i), ref Unsafe.Add(ref r1, i), ref Unsafe.Add(ref r2, i));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UpdateChunk<TForEach, T0, T1, T2, T3>(ref TForEach forEach, ref T0 r0, ref T1 r1, ref T2 r2, ref T3 r3, int size)
        where TForEach : struct, IForEach<T0, T1, T2, T3>
    {
        for (nint i = 0; i < size; i++)
        {
            forEach.Update(ref Unsafe.Add(ref r0, i), ref Unsafe.Add(ref r1, i), ref Unsafe.Add(ref r2, i), ref Unsafe.Add(ref r3, i));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UpdateChunkWithEntities<TForEach, T0>(ref TForEach forEach, ref Entity entities, ref T0 r0, int size)
        where TForEach : struct, IForEachWithEntity<T0>
    {
        for (nint i = 0; i < size; i++)
        {
            forEach.Update(Unsafe.Add(ref entities, i), ref Unsafe.Add(ref r0, i));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UpdateChunkWithEntities<TForEach, T0, T1>(ref TForEach forEach, ref Entity entities, ref T0 r0, ref T1 r1, int size)
        where TForEach : struct, IForEachWithEntity<T0, T1>
    {
        for (nint i = 0; i < size; i++)
        {
            forEach.Update(Unsafe.Add(ref entities, i), ref Unsafe.Add(ref r0, i), ref Unsafe.Add(ref r1, i));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UpdateChunkWithEntities<TForEach, T0, T1, T2>(ref TForEach forEach, ref Entity entities, ref T0 r0, ref T1 r1, ref T2 r2, int size)
        where TForEach : struct, IForEachWithEntity<T0, T1, T2>
    {
        for (nint i = 0; i < size; i++)
        {
            forEach.Update(Unsafe.Add(ref entities, i), ref Unsafe.Add(ref r0, i), ref Unsafe.Add(ref r1, i), ref Unsafe.Add(ref r2, i));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UpdateChunkWithEntities<TForEach, T0, T1, T2, T3>(ref TForEach forEach, ref Entity entities, ref T0 r0, ref T1 r1, ref T2 r2, ref T3 r3, int size)
        where TForEach : struct, IForEachWithEntity<T0, T1, T2, T3>
    {
        for (nint i = 0; i < size; i++)
        {
            forEach.Update(Unsafe.Add(ref entities, i), ref Unsafe.Add(ref r0, i), ref Unsafe.Add(ref r1, i), ref Unsafe.Add(ref r2, i), ref Unsafe.Add(ref r3, i));
        }
    }
}
