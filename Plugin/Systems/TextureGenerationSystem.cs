using System.Diagnostics;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Ecs;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Plugin.Components;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Plugin.Streaming;

namespace RealtimeGen.Plugin.Systems;

/// <summary>
/// Main-thread system that turns <see cref="TextureRequest"/>s into generation jobs and their images into texture
/// uploads, in time proportional to what changed: new requests (entities with a request and no
/// <see cref="GeneratedTexture"/> yet), requests changed through <see cref="Request"/>, entities with a live job,
/// the events of the frame, and a fixed number of entities re-checked per frame (which also catches requests edited
/// directly in the world and destroyed entities whose job had finished).
/// </summary>
/// <remarks>
/// Latest wins: a newer request for an entity cancels its older job, and images of replaced jobs are discarded.
/// Destroying the entity, or removing its request, cancels its job. A failed job adds <see cref="GenerationFailed"/>
/// and leaves the last good texture. After warm-up a frame without new or changed requests allocates nothing. A
/// request found in the service's asset cache arrives as a final image with no previews, read and decoded on the
/// worker (<see cref="TextureUpdate.FromCache"/>), so this system does no file work.
/// </remarks>
public sealed class TextureGenerationSystem : ISystem<FrameTime>
{
    private readonly World _world;
    private readonly GenerationService _service;
    private readonly ITextureSink _sink;
    private readonly int _auditPerFrame;
    private readonly QueryDescription _newRequests = new QueryDescription().WithAll<TextureRequest>().WithNone<GeneratedTexture>();
    private readonly Dictionary<long, TrackedEntity> _byKey = [];
    private readonly Dictionary<int, TrackedEntity> _byTexture = [];
    private readonly List<TrackedEntity> _all = [];
    private readonly List<TrackedEntity> _active = [];
    private readonly List<TrackedEntity> _deferred = [];
    private readonly List<Entity> _changed = [];
    private readonly List<Entity> _scratch = [];
    private readonly List<TextureUpdate> _updates = [];
    private int _auditCursor;

    /// <summary>Creates the system over <paramref name="world"/>.</summary>
    /// <param name="world">The world whose requests it serves.</param>
    /// <param name="service">Runs the jobs.</param>
    /// <param name="sink">Receives the images; owns the textures.</param>
    /// <param name="auditPerFrame">Tracked entities re-checked per frame for direct edits and destruction.</param>
    public TextureGenerationSystem(World world, GenerationService service, ITextureSink sink, int auditPerFrame = 16)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfNegative(auditPerFrame);
        _world = world;
        _service = service;
        _sink = sink;
        _auditPerFrame = auditPerFrame;
    }

    /// <summary>Images handed to the sink by the last <see cref="Update"/>, in order.</summary>
    public ReadOnlySpan<TextureUpdate> Updates => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_updates);

    /// <summary>Entities whose job runs or waits.</summary>
    public int ActiveJobCount
    {
        get
        {
            int count = 0;
            foreach (TrackedEntity tracked in _active)
            {
                count += tracked.JobId != 0 || tracked.Deferred ? 1 : 0;
            }

            return count;
        }
    }

    /// <summary>Entities with a generated texture.</summary>
    public int TrackedCount => _all.Count;

    /// <summary>Sets (or adds) the entity's request as a new version; the next <see cref="Update"/> submits it.</summary>
    public void Request(Entity entity, in TextureRequest request)
    {
        TextureRequest next = request;
        if (_world.TryGet(entity, out TextureRequest current))
        {
            next.Version = current.Version + 1;
            _world.Set(entity, in next);
        }
        else
        {
            _world.Add(entity, in next);
        }

        _changed.Add(entity);
    }

    /// <summary>The entity whose texture <paramref name="handle"/> is, if it is tracked.</summary>
    public bool TryGetEntity(StreamedTextureHandle handle, out Entity entity)
    {
        if (_byTexture.TryGetValue(handle.Index, out TrackedEntity? tracked) && tracked.Handle == handle)
        {
            entity = tracked.Entity;
            return true;
        }

        entity = Entity.Null;
        return false;
    }

    /// <inheritdoc/>
    public void Update(in FrameTime state)
    {
        _updates.Clear();
        StartNewRequests();
        SubmitChanged();
        CheckActive();
        RetryDeferred();
        ReadEvents();
        Audit();
    }

    private static long KeyOf(Entity entity) => ((long)entity.Version << 32) | (uint)entity.Id;

    private void StartNewRequests()
    {
        _scratch.Clear();
        _world.GetEntities(in _newRequests, _scratch);
        foreach (Entity entity in _scratch)
        {
            StreamedTextureHandle handle = _sink.CreateTexture();
            var tracked = new TrackedEntity(entity, KeyOf(entity), handle);
            _world.Add(entity, new GeneratedTexture(handle));
            if (!_world.Has<GenerationProgress>(entity))
            {
                _world.Add(entity, default(GenerationProgress));
            }

            _byKey[tracked.Key] = tracked;
            _byTexture[handle.Index] = tracked;
            _all.Add(tracked);
            Submit(tracked, in _world.Get<TextureRequest>(entity));
        }
    }

    private void SubmitChanged()
    {
        foreach (Entity entity in _changed)
        {
            if (_byKey.TryGetValue(KeyOf(entity), out TrackedEntity? tracked) && _world.IsAlive(entity)
                && _world.TryGet(entity, out TextureRequest request) && request.Version != tracked.Version)
            {
                Submit(tracked, in request);
            }
        }

        _changed.Clear();
    }

    private void CheckActive()
    {
        for (int i = _active.Count - 1; i >= 0; i--)
        {
            TrackedEntity tracked = _active[i];
            if ((tracked.JobId != 0 || tracked.Deferred) && !CheckGone(tracked))
            {
                continue;
            }

            // Finished, or gone (a forgotten entity has already left the list).
            if (tracked.Active)
            {
                tracked.Active = false;
                _active.RemoveAt(i);
            }
        }
    }

    // Cancels the job of an entity that was destroyed or lost its request; forgets destroyed entities.
    private bool CheckGone(TrackedEntity tracked)
    {
        bool alive = _world.IsAlive(tracked.Entity);
        if (alive && _world.Has<TextureRequest>(tracked.Entity))
        {
            return false;
        }

        if (tracked.JobId != 0)
        {
            _service.Cancel(tracked.Key);
            tracked.JobId = 0;
        }

        tracked.Deferred = false;
        tracked.Version = TrackedEntity.NoVersion;
        if (!alive)
        {
            Forget(tracked);
        }

        return true;
    }

    private void Forget(TrackedEntity tracked)
    {
        _sink.ReleaseTexture(tracked.Handle);
        _byKey.Remove(tracked.Key);
        _byTexture.Remove(tracked.Handle.Index);
        _all.Remove(tracked);
        if (tracked.Active)
        {
            tracked.Active = false;
            _active.Remove(tracked);
        }
    }

    private void RetryDeferred()
    {
        for (int i = _deferred.Count - 1; i >= 0; i--)
        {
            TrackedEntity tracked = _deferred[i];
            _deferred.RemoveAt(i);
            if (tracked.Deferred && _world.IsAlive(tracked.Entity) && _world.TryGet(tracked.Entity, out TextureRequest request))
            {
                tracked.Deferred = false;
                Submit(tracked, in request);
            }
        }
    }

    private void Submit(TrackedEntity tracked, in TextureRequest request)
    {
        tracked.Version = request.Version;
        tracked.SubmittedAt = Stopwatch.GetTimestamp();
        tracked.HasImage = false;
        tracked.Deferred = false;
        GenerationJob? job;
        try
        {
            job = _service.Submit(tracked.Key, request.ToGenerationRequest(), request.Priority, request.Seamless, tracked.Handle);
        }
        catch (RealtimeGenException e)
        {
            tracked.JobId = 0;
            MarkFailed(tracked, e.Message);
            return;
        }

        ref GenerationProgress progress = ref _world.Get<GenerationProgress>(tracked.Entity);
        progress = new GenerationProgress { Steps = job?.Request.Steps ?? 0, Version = request.Version };
        tracked.JobId = job?.Id ?? 0;
        if (job is null)
        {
            tracked.Deferred = true;
            _deferred.Add(tracked);
        }

        if (!tracked.Active)
        {
            tracked.Active = true;
            _active.Add(tracked);
        }
    }

    private void ReadEvents()
    {
        while (_service.TryRead(out GenerationEvent e))
        {
            bool current = _byKey.TryGetValue(e.Key, out TrackedEntity? tracked) && tracked.JobId == e.JobId;
            switch (e.Kind)
            {
                case GenerationEventKind.Preview or GenerationEventKind.Final when current:
                    Apply(tracked!, in e);
                    break;
                case GenerationEventKind.Preview or GenerationEventKind.Final:
                    GenerationService.ReleaseImage(_sink, in e);
                    break;
                case GenerationEventKind.Failed when current:
                    tracked!.JobId = 0;
                    MarkFailed(tracked, e.Reason ?? "unknown failure");
                    break;
                case GenerationEventKind.Dropped when current:
                    tracked!.JobId = 0;
                    tracked.Deferred = true;
                    _deferred.Add(tracked);
                    break;
                default:
                    break;
            }
        }
    }

    private void Apply(TrackedEntity tracked, in GenerationEvent e)
    {
        if (e.Route is { } route)
        {
            // Only a routed sink hands out routes, so the cast holds.
            ((IRoutedTextureSink)_sink).SubmitRoute(route, tracked.Handle);
        }
        else
        {
            _sink.Submit(e.Slot!, tracked.Handle, e.Width, e.Height);
        }

        double latencyMs = Stopwatch.GetElapsedTime(tracked.SubmittedAt).TotalMilliseconds;
        ref GenerationProgress progress = ref _world.Get<GenerationProgress>(tracked.Entity);
        progress = new GenerationProgress { Step = e.Step, Steps = e.Steps, LatencyMs = latencyMs, FromCache = e.FromCache, Version = tracked.Version };
        _updates.Add(new TextureUpdate(tracked.Entity, e.Step, e.Steps, latencyMs, !tracked.HasImage) { FromCache = e.FromCache });
        tracked.HasImage = true;
        if (e.Kind == GenerationEventKind.Final)
        {
            tracked.JobId = 0;
            if (_world.Has<GenerationFailed>(tracked.Entity))
            {
                _world.Remove<GenerationFailed>(tracked.Entity);
            }
        }
    }

    private void MarkFailed(TrackedEntity tracked, string reason)
    {
        var failed = new GenerationFailed(reason, tracked.Version);
        if (_world.Has<GenerationFailed>(tracked.Entity))
        {
            _world.Set(tracked.Entity, in failed);
        }
        else
        {
            _world.Add(tracked.Entity, in failed);
        }
    }

    private void Audit()
    {
        int count = Math.Min(_auditPerFrame, _all.Count);
        for (int i = 0; i < count && _all.Count > 0; i++)
        {
            _auditCursor = _auditCursor >= _all.Count ? 0 : _auditCursor;
            TrackedEntity tracked = _all[_auditCursor];
            if (CheckGone(tracked))
            {
                // Forgotten entities leave the list; the cursor then already points at the next one.
                if (_world.IsAlive(tracked.Entity))
                {
                    _auditCursor++;
                }

                continue;
            }

            TextureRequest request = _world.Get<TextureRequest>(tracked.Entity);
            if (request.Version != tracked.Version && !tracked.Deferred)
            {
                Submit(tracked, in request);
            }

            _auditCursor++;
        }
    }
}
