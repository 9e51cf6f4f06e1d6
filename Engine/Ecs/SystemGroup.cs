namespace RealtimeGen.Engine.Ecs;

/// <summary>Runs its systems one after another in the order they were added, every <see cref="Update"/>.</summary>
/// <typeparam name="T">The per-frame value handed to each system.</typeparam>
/// <remarks>
/// A group is itself a system, so groups nest (e.g. "simulation" then "presentation"). It owns the systems it
/// holds: <see cref="Dispose"/> disposes those that are <see cref="IDisposable"/>, in reverse order. Not
/// thread-safe; add systems before the frame loop starts.
/// </remarks>
public sealed class SystemGroup<T> : ISystem<T>, IDisposable
{
    private readonly List<ISystem<T>> _systems = [];

    /// <summary>Creates a group that runs <paramref name="systems"/> in the order given.</summary>
    /// <param name="name">Shown in diagnostics and frame-time breakdowns.</param>
    /// <param name="systems">The systems, in run order.</param>
    public SystemGroup(string name, params ReadOnlySpan<ISystem<T>> systems)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        foreach (var system in systems)
        {
            Add(system);
        }
    }

    /// <summary>The group's name.</summary>
    public string Name { get; }

    /// <summary>The systems in run order.</summary>
    public IReadOnlyList<ISystem<T>> Systems => _systems;

    /// <summary>Appends <paramref name="system"/>; it runs after every system added before it.</summary>
    /// <returns>This group, for chaining.</returns>
    public SystemGroup<T> Add(ISystem<T> system)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (ReferenceEquals(system, this))
        {
            throw new ArgumentException("A system group cannot contain itself.", nameof(system));
        }

        _systems.Add(system);
        return this;
    }

    /// <summary>Updates every system in order with the same <paramref name="state"/>.</summary>
    public void Update(in T state)
    {
        for (var i = 0; i < _systems.Count; i++)
        {
            _systems[i].Update(in state);
        }
    }

    /// <summary>Disposes the owned systems that are disposable, last added first.</summary>
    public void Dispose()
    {
        for (var i = _systems.Count - 1; i >= 0; i--)
        {
            (_systems[i] as IDisposable)?.Dispose();
        }

        _systems.Clear();
    }

    /// <inheritdoc/>
    public override string ToString() => $"SystemGroup {Name} ({_systems.Count} systems)";
}
