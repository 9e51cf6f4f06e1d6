using System.Runtime.InteropServices;

namespace RealtimeGen.Engine.Ecs;

/// <summary>
/// Records structural changes (create, destroy, add, set, remove) during a query and applies them in recorded
/// order on <see cref="Playback"/>, as Arch's <c>CommandBuffer</c> does.
/// </summary>
/// <remarks>
/// <para>
/// Not thread-safe: use one buffer per thread or system. Reusable: playback clears it, and its storage is kept,
/// so recording and playing back allocate nothing once the buffer has grown to its working size (the untyped
/// <see cref="Create(ReadOnlySpan{ComponentType})"/> with types builds a lookup key at playback).
/// </para>
/// <para>
/// <see cref="Create()"/> returns a placeholder handle that only this buffer understands, until playback: pass it to
/// this buffer's <see cref="Add{T}"/>, <see cref="Set{T}"/>, <see cref="Remove{T}"/> or <see cref="Destroy"/>.
/// At playback, <see cref="Destroy"/> of an entity that is already dead is skipped (two systems may both decide
/// to destroy it); every other command on a dead entity throws, as the world's own call would.
/// </para>
/// </remarks>
public sealed class CommandBuffer
{
    private readonly List<ComponentType> _createTypes = [];
    private BufferedCommand[] _commands = new BufferedCommand[32];
    private int _commandCount;
    private ComponentValueBuffer?[] _valueBuffers = [];
    private Entity[] _created = new Entity[8];
    private int _createdCount;

    /// <summary>Number of recorded commands not yet played back.</summary>
    public int Count => _commandCount;

    /// <summary>Records the creation of an entity with no components.</summary>
    /// <returns>A placeholder for use with this buffer's other commands until playback.</returns>
    public Entity Create() => Create([]);

    /// <summary>Records the creation of an entity with default values of <paramref name="types"/>.</summary>
    /// <returns>A placeholder for use with this buffer's other commands until playback.</returns>
    public Entity Create(params ReadOnlySpan<ComponentType> types)
    {
        if (_createdCount == _created.Length)
        {
            Array.Resize(ref _created, _created.Length * 2);
        }

        var placeholder = new Entity(-(++_createdCount), 0);
        var start = _createTypes.Count;
        _createTypes.AddRange(types);
        Record(CommandKind.Create, placeholder, start, types.Length);
        return placeholder;
    }

    /// <summary>Records the destruction of <paramref name="entity"/>; skipped at playback if it is dead by then.</summary>
    public void Destroy(Entity entity) => Record(CommandKind.Destroy, entity, 0, 0);

    /// <summary>Records giving <paramref name="entity"/> a <typeparamref name="T"/> (see <see cref="World.Add{T}"/>).</summary>
    public void Add<T>(Entity entity, in T value = default!) =>
        Record(CommandKind.Add, entity, Component<T>.Id, ValuesOf<T>().Push(value));

    /// <summary>Records overwriting <paramref name="entity"/>'s <typeparamref name="T"/> (see <see cref="World.Set{T}"/>).</summary>
    public void Set<T>(Entity entity, in T value) =>
        Record(CommandKind.Set, entity, Component<T>.Id, ValuesOf<T>().Push(value));

    /// <summary>Records taking <paramref name="entity"/>'s <typeparamref name="T"/> away (see <see cref="World.Remove{T}"/>).</summary>
    public void Remove<T>(Entity entity)
    {
        ValuesOf<T>();
        Record(CommandKind.Remove, entity, Component<T>.Id, -1);
    }

    /// <summary>Applies the recorded commands to <paramref name="world"/> in order, then clears the buffer.</summary>
    /// <remarks>
    /// If a command throws, the commands before it stay applied, the rest are dropped, and the buffer is cleared.
    /// </remarks>
    /// <exception cref="RealtimeGenException">
    /// <paramref name="world"/> is iterating a query (play back after the loop), a command names a dead entity, a
    /// placeholder of another buffer, or breaks the world's rules (adding a type twice, removing a missing one).
    /// </exception>
    public void Playback(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (world.IsIterating)
        {
            throw new RealtimeGenException(
                "Expected CommandBuffer.Playback to run after the query's loop, but the world is still iterating a "
                + "query. Move the Playback call after the foreach/Query call that recorded the commands.");
        }

        try
        {
            var types = CollectionsMarshal.AsSpan(_createTypes);
            for (var i = 0; i < _commandCount; i++)
            {
                ref var command = ref _commands[i];
                if (command.Kind == CommandKind.Create)
                {
                    _created[-command.Entity.Id - 1] = world.Create(types.Slice(command.Argument, command.Count));
                    continue;
                }

                var entity = Resolve(command.Entity);
                if (command.Kind == CommandKind.Destroy)
                {
                    if (world.IsAlive(entity))
                    {
                        world.Destroy(entity);
                    }

                    continue;
                }

                _valueBuffers[command.Argument]!.Apply(world, entity, command.Kind, command.Count);
            }
        }
        finally
        {
            Clear();
        }
    }

    /// <summary>Drops every recorded command without applying it; placeholders handed out become meaningless.</summary>
    public void Clear()
    {
        foreach (var buffer in _valueBuffers)
        {
            buffer?.Clear();
        }

        _createTypes.Clear();
        _commandCount = 0;
        _created.AsSpan(0, _createdCount).Clear();
        _createdCount = 0;
    }

    private ComponentValueBuffer<T> ValuesOf<T>()
    {
        var id = Component<T>.Id;
        if (id >= _valueBuffers.Length)
        {
            Array.Resize(ref _valueBuffers, Math.Max(id + 1, _valueBuffers.Length * 2));
        }

        return (ComponentValueBuffer<T>)(_valueBuffers[id] ??= new ComponentValueBuffer<T>());
    }

    private void Record(CommandKind kind, Entity entity, int argument, int count)
    {
        if (_commandCount == _commands.Length)
        {
            Array.Resize(ref _commands, _commands.Length * 2);
        }

        _commands[_commandCount++] = new BufferedCommand { Kind = kind, Entity = entity, Argument = argument, Count = count };
    }

    private Entity Resolve(Entity entity)
    {
        if (entity.Id >= 0)
        {
            return entity;
        }

        var index = -entity.Id - 1;
        if (index >= _createdCount || _created[index].Version == 0)
        {
            throw new RealtimeGenException(
                $"Expected a placeholder created earlier by this CommandBuffer, but {entity} is not one (it comes "
                + "from another buffer, or from before a Playback/Clear). Use placeholders only on the buffer that "
                + "made them, before its playback.");
        }

        return _created[index];
    }
}
