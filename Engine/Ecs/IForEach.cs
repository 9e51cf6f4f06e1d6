namespace RealtimeGen.Engine.Ecs;

// The arity family of one interface, as in Arch: the struct callback of World.InlineQuery, which the JIT
// specialises and inlines, so the loop has no delegate call and allocates nothing.

/// <summary>Per-entity work of an allocation-free struct query; implement it on a struct.</summary>
/// <typeparam name="T0">Component type 0.</typeparam>
public interface IForEach<T0>
{
    /// <summary>Called once per matching entity.</summary>
    /// <param name="t0">The entity's <typeparamref name="T0"/>, writable in place.</param>
    void Update(ref T0 t0);
}

/// <summary>Per-entity work of an allocation-free struct query; implement it on a struct.</summary>
/// <typeparam name="T0">Component type 0.</typeparam>
/// <typeparam name="T1">Component type 1.</typeparam>
public interface IForEach<T0, T1>
{
    /// <summary>Called once per matching entity.</summary>
    /// <param name="t0">The entity's <typeparamref name="T0"/>, writable in place.</param>
    /// <param name="t1">The entity's <typeparamref name="T1"/>, writable in place.</param>
    void Update(ref T0 t0, ref T1 t1);
}

/// <summary>Per-entity work of an allocation-free struct query; implement it on a struct.</summary>
/// <typeparam name="T0">Component type 0.</typeparam>
/// <typeparam name="T1">Component type 1.</typeparam>
/// <typeparam name="T2">Component type 2.</typeparam>
public interface IForEach<T0, T1, T2>
{
    /// <summary>Called once per matching entity.</summary>
    /// <param name="t0">The entity's <typeparamref name="T0"/>, writable in place.</param>
    /// <param name="t1">The entity's <typeparamref name="T1"/>, writable in place.</param>
    /// <param name="t2">The entity's <typeparamref name="T2"/>, writable in place.</param>
    void Update(ref T0 t0, ref T1 t1, ref T2 t2);
}

/// <summary>Per-entity work of an allocation-free struct query; implement it on a struct.</summary>
/// <typeparam name="T0">Component type 0.</typeparam>
/// <typeparam name="T1">Component type 1.</typeparam>
/// <typeparam name="T2">Component type 2.</typeparam>
/// <typeparam name="T3">Component type 3.</typeparam>
public interface IForEach<T0, T1, T2, T3>
{
    /// <summary>Called once per matching entity.</summary>
    /// <param name="t0">The entity's <typeparamref name="T0"/>, writable in place.</param>
    /// <param name="t1">The entity's <typeparamref name="T1"/>, writable in place.</param>
    /// <param name="t2">The entity's <typeparamref name="T2"/>, writable in place.</param>
    /// <param name="t3">The entity's <typeparamref name="T3"/>, writable in place.</param>
    void Update(ref T0 t0, ref T1 t1, ref T2 t2, ref T3 t3);
}
