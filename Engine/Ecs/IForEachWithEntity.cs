namespace RealtimeGen.Engine.Ecs;

// The arity family of one interface, as in Arch: the struct callback of World.InlineEntityQuery.

/// <summary>Per-entity work of an allocation-free struct query that also needs the entity handle.</summary>
/// <typeparam name="T0">Component type 0.</typeparam>
public interface IForEachWithEntity<T0>
{
    /// <summary>Called once per matching entity.</summary>
    /// <param name="entity">The entity; record structural changes for it on a <see cref="CommandBuffer"/>.</param>
    /// <param name="t0">The entity's <typeparamref name="T0"/>, writable in place.</param>
    void Update(Entity entity, ref T0 t0);
}

/// <summary>Per-entity work of an allocation-free struct query that also needs the entity handle.</summary>
/// <typeparam name="T0">Component type 0.</typeparam>
/// <typeparam name="T1">Component type 1.</typeparam>
public interface IForEachWithEntity<T0, T1>
{
    /// <summary>Called once per matching entity.</summary>
    /// <param name="entity">The entity; record structural changes for it on a <see cref="CommandBuffer"/>.</param>
    /// <param name="t0">The entity's <typeparamref name="T0"/>, writable in place.</param>
    /// <param name="t1">The entity's <typeparamref name="T1"/>, writable in place.</param>
    void Update(Entity entity, ref T0 t0, ref T1 t1);
}

/// <summary>Per-entity work of an allocation-free struct query that also needs the entity handle.</summary>
/// <typeparam name="T0">Component type 0.</typeparam>
/// <typeparam name="T1">Component type 1.</typeparam>
/// <typeparam name="T2">Component type 2.</typeparam>
public interface IForEachWithEntity<T0, T1, T2>
{
    /// <summary>Called once per matching entity.</summary>
    /// <param name="entity">The entity; record structural changes for it on a <see cref="CommandBuffer"/>.</param>
    /// <param name="t0">The entity's <typeparamref name="T0"/>, writable in place.</param>
    /// <param name="t1">The entity's <typeparamref name="T1"/>, writable in place.</param>
    /// <param name="t2">The entity's <typeparamref name="T2"/>, writable in place.</param>
    void Update(Entity entity, ref T0 t0, ref T1 t1, ref T2 t2);
}

/// <summary>Per-entity work of an allocation-free struct query that also needs the entity handle.</summary>
/// <typeparam name="T0">Component type 0.</typeparam>
/// <typeparam name="T1">Component type 1.</typeparam>
/// <typeparam name="T2">Component type 2.</typeparam>
/// <typeparam name="T3">Component type 3.</typeparam>
public interface IForEachWithEntity<T0, T1, T2, T3>
{
    /// <summary>Called once per matching entity.</summary>
    /// <param name="entity">The entity; record structural changes for it on a <see cref="CommandBuffer"/>.</param>
    /// <param name="t0">The entity's <typeparamref name="T0"/>, writable in place.</param>
    /// <param name="t1">The entity's <typeparamref name="T1"/>, writable in place.</param>
    /// <param name="t2">The entity's <typeparamref name="T2"/>, writable in place.</param>
    /// <param name="t3">The entity's <typeparamref name="T3"/>, writable in place.</param>
    void Update(Entity entity, ref T0 t0, ref T1 t1, ref T2 t2, ref T3 t3);
}
