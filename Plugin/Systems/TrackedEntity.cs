using RealtimeGen.Engine.Ecs;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.Systems;

/// <summary>What the texture generation system remembers about one entity with a generated texture.</summary>
internal sealed class TrackedEntity(Entity entity, long key, StreamedTextureHandle handle)
{
    /// <summary>Stands for "no version submitted", so that any request counts as changed.</summary>
    public const int NoVersion = int.MinValue;

    public Entity Entity { get; } = entity;

    public long Key { get; } = key;

    public StreamedTextureHandle Handle { get; } = handle;

    /// <summary>The live job, or 0 when none runs or waits.</summary>
    public long JobId { get; set; }

    /// <summary>The request version last submitted.</summary>
    public int Version { get; set; } = NoVersion;

    /// <summary>Stopwatch timestamp of the last submission.</summary>
    public long SubmittedAt { get; set; }

    /// <summary>Whether an image of the current request has reached the sink.</summary>
    public bool HasImage { get; set; }

    /// <summary>Whether the request waits for room in the queue.</summary>
    public bool Deferred { get; set; }

    /// <summary>Whether it is in the system's list of entities with a live job.</summary>
    public bool Active { get; set; }
}
