using System.Runtime.CompilerServices;

namespace RealtimeGen.Engine.Ecs;

/// <summary>
/// A handle to an entity of a <see cref="World"/>: an id and the version that id had when the entity was created.
/// </summary>
/// <remarks>
/// Ids are recycled after <see cref="World.Destroy(Entity)"/>; the version is bumped on every destroy, so a handle kept
/// past its entity's destruction is detected as stale (<see cref="World.IsAlive(Entity)"/> returns false and
/// component access throws) instead of silently reaching the entity that reused the id. Versions start at 1, so
/// <c>default(Entity)</c> (<see cref="Null"/>) is never alive. A handle does not record its world: passing it to
/// another world is the caller's error. Plain value type; safe to copy and share between threads.
/// </remarks>
public readonly struct Entity : IEquatable<Entity>
{
    /// <summary>The handle no entity ever has.</summary>
    public static readonly Entity Null;

    internal Entity(int id, int version)
    {
        Id = id;
        Version = version;
    }

    /// <summary>Index of the entity's slot in its world; reused after the entity is destroyed.</summary>
    public int Id { get; }

    /// <summary>Generation of the slot this handle refers to; a mismatch with the world's slot means stale.</summary>
    public int Version { get; }

    /// <summary>Compares id and version.</summary>
    public static bool operator ==(Entity left, Entity right) => left.Equals(right);

    /// <summary>Compares id and version.</summary>
    public static bool operator !=(Entity left, Entity right) => !left.Equals(right);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(Entity other) => Id == other.Id && Version == other.Version;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Entity other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, Version);

    /// <inheritdoc/>
    public override string ToString() => $"Entity({Id} v{Version})";
}
