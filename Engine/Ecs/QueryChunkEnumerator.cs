namespace RealtimeGen.Engine.Ecs;

/// <summary>Walks the non-empty chunks of a <see cref="Query"/>'s archetypes.</summary>
/// <remarks>
/// Holds the world's iteration guard from creation until <see cref="Dispose"/>, so structural changes made
/// meanwhile throw instead of moving entities under the loop. Use it through <c>foreach</c>, which disposes it.
/// </remarks>
public ref struct QueryChunkEnumerator
{
    private readonly World _world;
    private readonly Archetype[] _archetypes;
    private readonly int _archetypeCount;
    private int _archetypeIndex;
    private int _chunkIndex;
    private bool _disposed;

    internal QueryChunkEnumerator(World world, Archetype[] archetypes, int archetypeCount)
    {
        _world = world;
        _archetypes = archetypes;
        _archetypeCount = archetypeCount;
        _archetypeIndex = 0;
        _chunkIndex = -1;
        _disposed = false;
        world.EnterIteration();
    }

    /// <summary>The current chunk; valid until the next <see cref="MoveNext"/>.</summary>
    public readonly ref readonly Chunk Current => ref _archetypes[_archetypeIndex].Chunks[_chunkIndex];

    /// <summary>Advances to the next chunk that holds entities.</summary>
    public bool MoveNext()
    {
        while (_archetypeIndex < _archetypeCount)
        {
            if (++_chunkIndex < _archetypes[_archetypeIndex].ChunkCount)
            {
                return true;
            }

            _archetypeIndex++;
            _chunkIndex = -1;
        }

        return false;
    }

    /// <summary>Releases the world's iteration guard; idempotent.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _world.ExitIteration();
        }
    }
}
