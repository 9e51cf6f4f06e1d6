namespace RealtimeGen.Engine.Ecs;

/// <summary>Where an entity id lives now, and the version its live handle carries.</summary>
internal struct EntityRecord
{
    /// <summary>Null while the id is free.</summary>
    public Archetype? Archetype;
    public int ChunkIndex;
    public int Slot;
    public int Version;
}
