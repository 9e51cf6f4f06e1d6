using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RealtimeGen.Engine.Ecs;

/// <summary>
/// An archetype entity-component store in the shape of Arch's <c>World</c>: entities are grouped by their exact
/// component set into archetypes, each stored in fixed-size chunks of one array per component.
/// </summary>
/// <remarks>
/// <para>
/// Not thread-safe: one thread at a time (the main/game thread in RealtimeGen). Owns all entity data; holds only
/// managed memory, so there is nothing to dispose.
/// </para>
/// <para>
/// Structural changes (<see cref="Create()"/>, <see cref="Destroy"/>, <see cref="Add{T}"/>, <see cref="Remove{T}"/>)
/// move entities between chunks and are refused with a <see cref="RealtimeGenException"/> while a query iterates;
/// record them on a <see cref="CommandBuffer"/> and play it back afterwards. <see cref="Set{T}"/>,
/// <see cref="Get{T}"/> and friends are fine during iteration.
/// </para>
/// </remarks>
public sealed partial class World
{
    /// <summary>Default bytes of component data (plus entity handles) per chunk: fits a typical L1 cache.</summary>
    public const int DefaultChunkByteBudget = 16 * 1024;

    private readonly Dictionary<Signature, Archetype> _archetypeBySignature = [];
    private readonly List<Archetype> _archetypes = [];
    private readonly Dictionary<QueryDescription, Query> _queryByDescription = [];
    private readonly List<Query> _queries = [];
    private readonly Archetype _emptyArchetype;
    private EntityRecord[] _records = new EntityRecord[256];
    private int _usedIds;
    private int[] _freeIds = new int[64];
    private int _freeIdCount;
    private int _iterationDepth;

    /// <summary>Creates an empty world.</summary>
    /// <param name="chunkByteBudget">
    /// Bytes per chunk, at least 256: an archetype's chunk capacity is this divided by its bytes per entity
    /// (components plus the 8-byte handle), and never below 8 entities.
    /// </param>
    public World(int chunkByteBudget = DefaultChunkByteBudget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkByteBudget, 256);
        ChunkByteBudget = chunkByteBudget;
        _emptyArchetype = GetOrCreateArchetype(Signature.Empty, []);
    }

    /// <summary>The byte budget chunk capacities are derived from.</summary>
    public int ChunkByteBudget { get; }

    /// <summary>Number of live entities.</summary>
    public int Size { get; private set; }

    /// <summary>Number of distinct component sets seen so far (archetypes are kept once created).</summary>
    public int ArchetypeCount => _archetypes.Count;

    /// <summary>True while a query iterates; structural changes are refused then.</summary>
    public bool IsIterating => _iterationDepth > 0;

    /// <summary>Creates an entity with no components.</summary>
    /// <exception cref="RealtimeGenException">A query is iterating; use <see cref="CommandBuffer.Create()"/>.</exception>
    public Entity Create() => CreateIn(_emptyArchetype, out _, out _);

    /// <summary>Creates an entity with default values of the given component types.</summary>
    /// <remarks>Builds a lookup key per call; prefer the generic <c>Create&lt;T0, ...&gt;</c> in per-frame code.</remarks>
    /// <exception cref="RealtimeGenException">A query is iterating; use <see cref="CommandBuffer.Create(ReadOnlySpan{ComponentType})"/>.</exception>
    public Entity Create(params ReadOnlySpan<ComponentType> types)
    {
        if (types.IsEmpty)
        {
            return Create();
        }

        var archetype = GetOrCreateArchetype(Signature.From(types), types);
        var entity = CreateIn(archetype, out var chunkIndex, out var slot);
        ref var chunk = ref archetype.Chunks[chunkIndex];
        for (var i = 0; i < archetype.Types.Length; i++)
        {
            archetype.Types[i].Operations.Clear(chunk.Columns[i], slot, always: true);
        }

        return entity;
    }

    /// <summary>Creates an entity with default values of the given component types.</summary>
    /// <remarks>
    /// Exists so an array argument binds here rather than to the generic <c>Create&lt;T0&gt;</c>, which would
    /// store the array itself as a component.
    /// </remarks>
    /// <exception cref="RealtimeGenException">A query is iterating.</exception>
    public Entity Create(ComponentType[] types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return Create((ReadOnlySpan<ComponentType>)types);
    }

    /// <summary>Destroys a live entity; its handle (and every copy) becomes stale and its id is reused later.</summary>
    /// <exception cref="RealtimeGenException">The entity is not alive, or a query is iterating (use
    /// <see cref="CommandBuffer.Destroy"/>).</exception>
    public void Destroy(Entity entity)
    {
        EnsureNotIterating("Destroy");
        ref var record = ref RecordOf(entity);
        RemoveFromArchetype(record.Archetype!, record.ChunkIndex, record.Slot);
        record.Archetype = null;
        record.Version = record.Version == int.MaxValue ? 1 : record.Version + 1;
        if (_freeIdCount == _freeIds.Length)
        {
            Array.Resize(ref _freeIds, _freeIds.Length * 2);
        }

        _freeIds[_freeIdCount++] = entity.Id;
        Size--;
    }

    /// <summary>Whether <paramref name="entity"/> refers to a live entity (false for destroyed or stale handles).</summary>
    public bool IsAlive(Entity entity)
    {
        if ((uint)entity.Id >= (uint)_usedIds)
        {
            return false;
        }

        ref var record = ref _records[entity.Id];
        return record.Archetype is not null && record.Version == entity.Version;
    }

    /// <summary>The component types of a live entity, sorted by id.</summary>
    /// <remarks>The span views the world's own storage; it is valid until the next structural change.</remarks>
    /// <exception cref="RealtimeGenException">The entity is not alive.</exception>
    public ReadOnlySpan<ComponentType> GetComponentTypes(Entity entity) => RecordOf(entity).Archetype!.Types;

    /// <summary>
    /// The cached <see cref="Ecs.Query"/> of <paramref name="description"/>, created on first use; iterate its
    /// chunks for the hottest loops.
    /// </summary>
    /// <remarks>Allocation-free after the first call for an equal description.</remarks>
    public Query Query(in QueryDescription description)
    {
        ref var query = ref CollectionsMarshal.GetValueRefOrAddDefault(_queryByDescription, description, out var exists);
        if (!exists)
        {
            query = new Query(this, description);
            foreach (var archetype in _archetypes)
            {
                query.TryAdd(archetype);
            }

            _queries.Add(query);
        }

        return query!;
    }

    /// <summary>Number of entities matching <paramref name="description"/>.</summary>
    public int CountEntities(in QueryDescription description) => Query(in description).CountEntities();

    /// <summary>Appends the handles of the entities matching <paramref name="description"/> to <paramref name="destination"/>.</summary>
    public void GetEntities(in QueryDescription description, List<Entity> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        foreach (ref readonly var chunk in Query(in description))
        {
            destination.AddRange(chunk.Entities);
        }
    }

    /// <summary>Returns the memory of chunks that no longer hold entities to the GC.</summary>
    /// <exception cref="RealtimeGenException">A query is iterating.</exception>
    public void TrimExcess()
    {
        EnsureNotIterating("TrimExcess");
        foreach (var archetype in _archetypes)
        {
            archetype.TrimExcess();
        }
    }

    internal void EnterIteration() => _iterationDepth++;

    internal void ExitIteration()
    {
        Debug.Assert(_iterationDepth > 0, "ExitIteration without EnterIteration");
        _iterationDepth--;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ColumnOrThrow(Archetype archetype, int componentId, Type type)
    {
        var column = archetype.ColumnOf(componentId);
        if (column < 0)
        {
            ThrowMissingColumn(archetype, type);
        }

        return column;
    }

    [DoesNotReturn]
    internal static void ThrowDuplicateTypes(ComponentType[] types) =>
        throw new RealtimeGenException(
            $"Expected distinct component types, but [{TypeNames(types)}] lists one twice. "
            + "An entity holds at most one value per type: list each type once.");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowMissingColumn(Archetype archetype, Type type) =>
        throw new RealtimeGenException(
            $"Expected every archetype matched by the query to have {type.Name}, but one has only "
            + $"[{TypeNames(archetype.Types)}]. Require it in the description: "
            + $"new QueryDescription().WithAll<{type.Name}, ...>().");

    private static string TypeNames(ReadOnlySpan<ComponentType> types)
    {
        var names = new string[types.Length];
        for (var i = 0; i < types.Length; i++)
        {
            names[i] = types[i].Type.Name;
        }

        return string.Join(", ", names);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref EntityRecord RecordOf(Entity entity)
    {
        if ((uint)entity.Id >= (uint)_usedIds)
        {
            ThrowNotAlive(entity);
        }

        ref var record = ref _records[entity.Id];
        if (record.Version != entity.Version || record.Archetype is null)
        {
            ThrowNotAlive(entity);
        }

        return ref record;
    }

    [DoesNotReturn]
    private static void ThrowNotAlive(Entity entity) =>
        throw new RealtimeGenException(
            $"Expected a live entity, but {entity} is not alive in this world: it was destroyed (its id may have "
            + "been reused under a newer version), or it comes from another world. Check world.IsAlive(entity) "
            + "before using a stored handle.");

    private void EnsureNotIterating(string operation)
    {
        if (_iterationDepth > 0)
        {
            throw new RealtimeGenException(
                $"Expected no query to be iterating during {operation}, but one is: a structural change would move "
                + $"entities under the loop. Record it on a CommandBuffer inside the loop (commandBuffer.{operation}"
                + "(...)) and call commandBuffer.Playback(world) after the query.");
        }
    }

    private Entity CreateIn(Archetype archetype, out int chunkIndex, out int slot)
    {
        EnsureNotIterating("Create");
        int id;
        if (_freeIdCount > 0)
        {
            id = _freeIds[--_freeIdCount];
        }
        else
        {
            if (_usedIds == _records.Length)
            {
                Array.Resize(ref _records, _records.Length * 2);
            }

            id = _usedIds++;
            _records[id].Version = 1;
        }

        ref var record = ref _records[id];
        var entity = new Entity(id, record.Version);
        archetype.Allocate(entity, out chunkIndex, out slot);
        record.Archetype = archetype;
        record.ChunkIndex = chunkIndex;
        record.Slot = slot;
        Size++;
        return entity;
    }

    private void RemoveFromArchetype(Archetype archetype, int chunkIndex, int slot)
    {
        var moved = archetype.RemoveAt(chunkIndex, slot);
        if (moved.Version != 0)
        {
            ref var movedRecord = ref _records[moved.Id];
            movedRecord.ChunkIndex = chunkIndex;
            movedRecord.Slot = slot;
        }
    }

    /// <summary>Moves a live entity into <paramref name="target"/>, keeping the values of the types both share.</summary>
    private void Move(ref EntityRecord record, Entity entity, Archetype target)
    {
        var source = record.Archetype!;
        var sourceChunkIndex = record.ChunkIndex;
        var sourceSlot = record.Slot;
        target.Allocate(entity, out var targetChunkIndex, out var targetSlot);
        ref var sourceChunk = ref source.Chunks[sourceChunkIndex];
        ref var targetChunk = ref target.Chunks[targetChunkIndex];
        for (var i = 0; i < source.Types.Length; i++)
        {
            var targetColumn = target.ColumnOf(source.Types[i].Id);
            if (targetColumn >= 0)
            {
                source.Types[i].Operations.Copy(sourceChunk.Columns[i], sourceSlot, targetChunk.Columns[targetColumn], targetSlot);
            }
        }

        RemoveFromArchetype(source, sourceChunkIndex, sourceSlot);
        record.Archetype = target;
        record.ChunkIndex = targetChunkIndex;
        record.Slot = targetSlot;
    }

    private Archetype GetOrCreateArchetype(Signature signature, ReadOnlySpan<ComponentType> types)
    {
        if (_archetypeBySignature.TryGetValue(signature, out var existing))
        {
            return existing;
        }

        var archetype = new Archetype(signature, types, ChunkByteBudget);
        _archetypeBySignature.Add(signature, archetype);
        _archetypes.Add(archetype);
        foreach (var query in _queries)
        {
            query.TryAdd(archetype);
        }

        return archetype;
    }
}
