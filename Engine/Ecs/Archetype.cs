using System.Runtime.CompilerServices;

namespace RealtimeGen.Engine.Ecs;

/// <summary>
/// All entities that have exactly one set of component types, stored in chunks. Chunks are kept dense: every chunk
/// below <see cref="ChunkCount"/> - 1 is full and removal swaps the archetype's last entity into the hole.
/// </summary>
internal sealed class Archetype
{
    /// <summary>Smallest chunk, so archetypes of very large components still amortise per-chunk work.</summary>
    private const int MinimumChunkCapacity = 8;

    private readonly int[] _columnOfComponent;
    private Archetype?[] _addEdges = [];
    private Archetype?[] _removeEdges = [];

    public Archetype(Signature signature, ReadOnlySpan<ComponentType> types, int chunkByteBudget)
    {
        Signature = signature;
        var sorted = types.ToArray();
        Array.Sort(sorted, static (a, b) => a.Id.CompareTo(b.Id));
        var distinct = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (distinct == 0 || sorted[distinct - 1].Id != sorted[i].Id)
            {
                sorted[distinct++] = sorted[i];
            }
        }

        sorted = sorted[..distinct];
        Types = sorted;

        var maxId = sorted.Length == 0 ? -1 : sorted[^1].Id;
        _columnOfComponent = new int[maxId + 1];
        _columnOfComponent.AsSpan().Fill(-1);
        var bytesPerEntity = Unsafe.SizeOf<Entity>();
        for (var i = 0; i < sorted.Length; i++)
        {
            _columnOfComponent[sorted[i].Id] = i;
            bytesPerEntity += sorted[i].ByteSize;
        }

        ChunkCapacity = Math.Max(MinimumChunkCapacity, chunkByteBudget / bytesPerEntity);
        Chunks = [];
    }

    public Signature Signature { get; }

    /// <summary>Component types sorted by id; index = column index in every chunk.</summary>
    public ComponentType[] Types { get; }

    public int ChunkCapacity { get; }

    /// <summary>Allocated chunks; only the first <see cref="ChunkCount"/> hold entities.</summary>
    public Chunk[] Chunks { get; private set; }

    public int ChunkCount { get; private set; }

    public int EntityCount { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ColumnOf(int componentId) =>
        (uint)componentId < (uint)_columnOfComponent.Length ? _columnOfComponent[componentId] : -1;

    public Archetype? GetAddEdge(int componentId) =>
        componentId < _addEdges.Length ? _addEdges[componentId] : null;

    public Archetype? GetRemoveEdge(int componentId) =>
        componentId < _removeEdges.Length ? _removeEdges[componentId] : null;

    public void SetAddEdge(int componentId, Archetype target) => SetEdge(ref _addEdges, componentId, target);

    public void SetRemoveEdge(int componentId, Archetype target) => SetEdge(ref _removeEdges, componentId, target);

    /// <summary>Appends <paramref name="entity"/> to the last chunk (opening one when full).</summary>
    /// <remarks>Column values of the new slot are left as they were; the caller writes or clears them.</remarks>
    public void Allocate(Entity entity, out int chunkIndex, out int slot)
    {
        if (ChunkCount == 0 || Chunks[ChunkCount - 1].Size == ChunkCapacity)
        {
            if (ChunkCount == Chunks.Length)
            {
                var grown = new Chunk[Math.Max(4, Chunks.Length * 2)];
                Chunks.AsSpan().CopyTo(grown);
                Chunks = grown;
            }

            if (Chunks[ChunkCount].EntityArray is null)
            {
                Chunks[ChunkCount] = new Chunk(ChunkCapacity, Types, _columnOfComponent);
            }

            ChunkCount++;
        }

        chunkIndex = ChunkCount - 1;
        ref var chunk = ref Chunks[chunkIndex];
        slot = chunk.Size;
        chunk.EntityArray[slot] = entity;
        chunk.Size = slot + 1;
        EntityCount++;
    }

    /// <summary>
    /// Removes the entity in (<paramref name="chunkIndex"/>, <paramref name="slot"/>) by moving the archetype's last
    /// entity into its place.
    /// </summary>
    /// <returns>The entity that moved into the slot, or <see cref="Entity.Null"/> when the removed one was last.</returns>
    public Entity RemoveAt(int chunkIndex, int slot)
    {
        var lastChunkIndex = ChunkCount - 1;
        ref var last = ref Chunks[lastChunkIndex];
        var lastSlot = last.Size - 1;
        var moved = Entity.Null;
        if (chunkIndex != lastChunkIndex || slot != lastSlot)
        {
            ref var target = ref Chunks[chunkIndex];
            moved = last.EntityArray[lastSlot];
            target.EntityArray[slot] = moved;
            for (var i = 0; i < Types.Length; i++)
            {
                Types[i].Operations.Copy(last.Columns[i], lastSlot, target.Columns[i], slot);
            }
        }

        for (var i = 0; i < Types.Length; i++)
        {
            Types[i].Operations.Clear(last.Columns[i], lastSlot, always: false);
        }

        last.EntityArray[lastSlot] = Entity.Null;
        last.Size = lastSlot;
        if (lastSlot == 0)
        {
            ChunkCount--;
        }

        EntityCount--;
        return moved;
    }

    /// <summary>Drops chunks that hold no entities, returning their memory to the GC.</summary>
    public void TrimExcess()
    {
        if (Chunks.Length > ChunkCount)
        {
            Chunks = Chunks[..ChunkCount];
        }
    }

    private static void SetEdge(ref Archetype?[] edges, int componentId, Archetype target)
    {
        if (componentId >= edges.Length)
        {
            Array.Resize(ref edges, Math.Max(componentId + 1, edges.Length * 2));
        }

        edges[componentId] = target;
    }
}
