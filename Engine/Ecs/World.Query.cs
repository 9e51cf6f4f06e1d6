using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RealtimeGen.Engine.Ecs;

/// <content>Queries with a delegate per entity (Arch's <c>world.Query(in description, (ref A a) => ...)</c>), arity 1 to 4.</content>
public sealed partial class World
{
    /// <summary>Runs <paramref name="forEach"/> on every entity that matches <paramref name="description"/>.</summary>
    /// <remarks>
    /// No allocation per call or entity when <paramref name="forEach"/> is a cached delegate or a static lambda (a
    /// capturing lambda allocates its closure where it is written, not here). One delegate call per entity; for the
    /// hottest loops prefer <see cref="InlineQuery{TForEach, T0}(in QueryDescription, ref TForEach)"/>.
    /// Structural changes inside the callback throw; record them on a <see cref="CommandBuffer"/>.
    /// </remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types (require it
    /// with WithAll), or the callback made a structural change.</exception>
    public void Query<T0>(in QueryDescription description, ForEach<T0> forEach)
    {
        ArgumentNullException.ThrowIfNull(forEach);
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
                    InvokeChunk<T0>(forEach, ref r0, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    /// <summary>Runs <paramref name="forEach"/> on every entity that matches <paramref name="description"/>.</summary>
    /// <remarks>
    /// No allocation per call or entity when <paramref name="forEach"/> is a cached delegate or a static lambda (a
    /// capturing lambda allocates its closure where it is written, not here). One delegate call per entity; for the
    /// hottest loops prefer <see cref="InlineQuery{TForEach, T0, T1}(in QueryDescription, ref TForEach)"/>.
    /// Structural changes inside the callback throw; record them on a <see cref="CommandBuffer"/>.
    /// </remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types (require it
    /// with WithAll), or the callback made a structural change.</exception>
    public void Query<T0, T1>(in QueryDescription description, ForEach<T0, T1> forEach)
    {
        ArgumentNullException.ThrowIfNull(forEach);
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
                    InvokeChunk<T0, T1>(forEach, ref r0, ref r1, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    /// <summary>Runs <paramref name="forEach"/> on every entity that matches <paramref name="description"/>.</summary>
    /// <remarks>
    /// No allocation per call or entity when <paramref name="forEach"/> is a cached delegate or a static lambda (a
    /// capturing lambda allocates its closure where it is written, not here). One delegate call per entity; for the
    /// hottest loops prefer <see cref="InlineQuery{TForEach, T0, T1, T2}(in QueryDescription, ref TForEach)"/>.
    /// Structural changes inside the callback throw; record them on a <see cref="CommandBuffer"/>.
    /// </remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types (require it
    /// with WithAll), or the callback made a structural change.</exception>
    public void Query<T0, T1, T2>(in QueryDescription description, ForEach<T0, T1, T2> forEach)
    {
        ArgumentNullException.ThrowIfNull(forEach);
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
                    InvokeChunk<T0, T1, T2>(forEach, ref r0, ref r1, ref r2, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    /// <summary>Runs <paramref name="forEach"/> on every entity that matches <paramref name="description"/>.</summary>
    /// <remarks>
    /// No allocation per call or entity when <paramref name="forEach"/> is a cached delegate or a static lambda (a
    /// capturing lambda allocates its closure where it is written, not here). One delegate call per entity; for the
    /// hottest loops prefer <see cref="InlineQuery{TForEach, T0, T1, T2, T3}(in QueryDescription, ref TForEach)"/>.
    /// Structural changes inside the callback throw; record them on a <see cref="CommandBuffer"/>.
    /// </remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types (require it
    /// with WithAll), or the callback made a structural change.</exception>
    public void Query<T0, T1, T2, T3>(in QueryDescription description, ForEach<T0, T1, T2, T3> forEach)
    {
        ArgumentNullException.ThrowIfNull(forEach);
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
                    InvokeChunk<T0, T1, T2, T3>(forEach, ref r0, ref r1, ref r2, ref r3, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    /// <summary>
    /// Runs <paramref name="forEach"/> with the entity handle on every entity that matches
    /// <paramref name="description"/>.
    /// </summary>
    /// <remarks>Same contract as <see cref="Query{T0}(in QueryDescription, ForEach{T0})"/>.</remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types, or the callback
    /// made a structural change.</exception>
    public void Query<T0>(in QueryDescription description, ForEachWithEntity<T0> forEach)
    {
        ArgumentNullException.ThrowIfNull(forEach);
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
                    InvokeChunkWithEntities<T0>(forEach, ref entities, ref r0, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    /// <summary>
    /// Runs <paramref name="forEach"/> with the entity handle on every entity that matches
    /// <paramref name="description"/>.
    /// </summary>
    /// <remarks>Same contract as <see cref="Query{T0, T1}(in QueryDescription, ForEach{T0, T1})"/>.</remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types, or the callback
    /// made a structural change.</exception>
    public void Query<T0, T1>(in QueryDescription description, ForEachWithEntity<T0, T1> forEach)
    {
        ArgumentNullException.ThrowIfNull(forEach);
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
                    InvokeChunkWithEntities<T0, T1>(forEach, ref entities, ref r0, ref r1, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    /// <summary>
    /// Runs <paramref name="forEach"/> with the entity handle on every entity that matches
    /// <paramref name="description"/>.
    /// </summary>
    /// <remarks>Same contract as <see cref="Query{T0, T1, T2}(in QueryDescription, ForEach{T0, T1, T2})"/>.</remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types, or the callback
    /// made a structural change.</exception>
    public void Query<T0, T1, T2>(in QueryDescription description, ForEachWithEntity<T0, T1, T2> forEach)
    {
        ArgumentNullException.ThrowIfNull(forEach);
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
                    InvokeChunkWithEntities<T0, T1, T2>(forEach, ref entities, ref r0, ref r1, ref r2, chunk.Size);
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    /// <summary>
    /// Runs <paramref name="forEach"/> with the entity handle on every entity that matches
    /// <paramref name="description"/>.
    /// </summary>
    /// <remarks>Same contract as <see cref="Query{T0, T1, T2, T3}(in QueryDescription, ForEach{T0, T1, T2, T3})"/>.</remarks>
    /// <exception cref="RealtimeGenException">A matching archetype lacks one of the requested types, or the callback
    /// made a structural change.</exception>
    public void Query<T0, T1, T2, T3>(in QueryDescription description, ForEachWithEntity<T0, T1, T2, T3> forEach)
    {
        ArgumentNullException.ThrowIfNull(forEach);
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
                    InvokeChunkWithEntities<T0, T1, T2, T3>(forEach, ref entities, ref r0, ref r1, ref r2, ref r3, chunk.Size);
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
    private static void InvokeChunk<T0>(ForEach<T0> forEach, ref T0 r0, int size)
    {
        for (nint i = 0; i < size; i++)
        {
            forEach(ref Unsafe.Add(ref r0, i));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InvokeChunk<T0, T1>(ForEach<T0, T1> forEach, ref T0 r0, ref T1 r1, int size)
    {
        for (nint i = 0; i < size; i++)
        {
            forEach(ref Unsafe.Add(ref r0, i), ref Unsafe.Add(ref r1, i));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InvokeChunk<T0, T1, T2>(ForEach<T0, T1, T2> forEach, ref T0 r0, ref T1 r1, ref T2 r2, int size)
    {
        for (nint i = 0; i < size; i++)
        {
            forEach(ref Unsafe.Add(ref r0, i), ref Unsafe.Add(ref r1, i), ref Unsafe.Add(ref r2, i));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InvokeChunk<T0, T1, T2, T3>(ForEach<T0, T1, T2, T3> forEach, ref T0 r0, ref T1 r1, ref T2 r2, ref T3 r3, int size)
    {
        for (nint i = 0; i < size; i++)
        {
            forEach(ref Unsafe.Add(ref r0, i), ref Unsafe.Add(ref r1, i), ref Unsafe.Add(ref r2, i), ref Unsafe.Add(ref r3, i));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InvokeChunkWithEntities<T0>(ForEachWithEntity<T0> forEach, ref Entity entities, ref T0 r0, int size)
    {
        for (nint i = 0; i < size; i++)
        {
            forEach(Unsafe.Add(ref entities, i), ref Unsafe.Add(ref r0, i));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InvokeChunkWithEntities<T0, T1>(ForEachWithEntity<T0, T1> forEach, ref Entity entities, ref T0 r0, ref T1 r1, int size)
    {
        for (nint i = 0; i < size; i++)
        {
            forEach(Unsafe.Add(ref entities, i), ref Unsafe.Add(ref r0, i), ref Unsafe.Add(ref r1, i));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InvokeChunkWithEntities<T0, T1, T2>(ForEachWithEntity<T0, T1, T2> forEach, ref Entity entities, ref T0 r0, ref T1 r1, ref T2 r2, int size)
    {
        for (nint i = 0; i < size; i++)
        {
            forEach(Unsafe.Add(ref entities, i), ref Unsafe.Add(ref r0, i), ref Unsafe.Add(ref r1, i), ref Unsafe.Add(ref r2, i));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InvokeChunkWithEntities<T0, T1, T2, T3>(ForEachWithEntity<T0, T1, T2, T3> forEach, ref Entity entities, ref T0 r0, ref T1 r1, ref T2 r2, ref T3 r3, int size)
    {
        for (nint i = 0; i < size; i++)
        {
            forEach(Unsafe.Add(ref entities, i), ref Unsafe.Add(ref r0, i), ref Unsafe.Add(ref r1, i), ref Unsafe.Add(ref r2, i), ref Unsafe.Add(ref r3, i));
        }
    }
}
