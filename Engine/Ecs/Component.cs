namespace RealtimeGen.Engine.Ecs;

/// <summary>
/// Static per-type cache of a component's <see cref="Ecs.ComponentType"/>: the id is looked up once per type per
/// process, never per call.
/// </summary>
/// <typeparam name="T">The component type; unmanaged structs keep queries fast, managed types are allowed.</typeparam>
/// <remarks>Thread-safe: registration happens in the type initializer under the registry's lock.</remarks>
public static class Component<T>
{
    /// <summary>The registered type facts of <typeparamref name="T"/>.</summary>
    public static readonly ComponentType ComponentType = ComponentRegistry.Register<T>();

    /// <summary>The dense process-wide id of <typeparamref name="T"/>.</summary>
    public static readonly int Id = ComponentType.Id;
}
