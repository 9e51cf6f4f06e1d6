namespace RealtimeGen.Engine.Ecs;

/// <summary>
/// The cached match of one <see cref="QueryDescription"/> in one <see cref="World"/>: the list of archetypes it
/// matches, extended as the world creates archetypes, so iteration never re-tests signatures.
/// </summary>
/// <remarks>
/// Obtained from <see cref="World.Query(in QueryDescription)"/>; owned by its world. Iterate chunks with
/// <c>foreach (ref readonly var chunk in query)</c>. Not thread-safe.
/// </remarks>
public sealed class Query
{
    private readonly World _world;
    private Archetype[] _archetypes = [];

    internal Query(World world, QueryDescription description)
    {
        _world = world;
        Description = description;
    }

    /// <summary>The filters this query was built from.</summary>
    public QueryDescription Description { get; }

    internal Archetype[] Archetypes => _archetypes;

    internal int ArchetypeCount { get; private set; }

    /// <summary>Number of matching entities now; walks the matching archetypes, not the entities.</summary>
    public int CountEntities()
    {
        var count = 0;
        for (var i = 0; i < ArchetypeCount; i++)
        {
            count += _archetypes[i].EntityCount;
        }

        return count;
    }

    /// <summary>
    /// Starts a chunk iteration; structural changes to the world are refused until the enumerator is disposed
    /// (a <c>foreach</c> does that).
    /// </summary>
    public QueryChunkEnumerator GetEnumerator() => new(_world, _archetypes, ArchetypeCount);

    internal void TryAdd(Archetype archetype)
    {
        if (!Description.Matches(archetype.Signature))
        {
            return;
        }

        if (ArchetypeCount == _archetypes.Length)
        {
            Array.Resize(ref _archetypes, Math.Max(4, _archetypes.Length * 2));
        }

        _archetypes[ArchetypeCount++] = archetype;
    }
}
