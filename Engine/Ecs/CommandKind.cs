namespace RealtimeGen.Engine.Ecs;

/// <summary>What one recorded <see cref="CommandBuffer"/> entry does at playback.</summary>
internal enum CommandKind
{
    Create,
    Destroy,
    Add,
    Set,
    Remove,
}
