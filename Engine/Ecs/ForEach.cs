namespace RealtimeGen.Engine.Ecs;

// The arity family of one delegate, as in Arch: the callback of World.Query(in description, (ref A a, ...) => ...).

/// <summary>Called once per matching entity with references to its components.</summary>
/// <typeparam name="T0">Component type 0.</typeparam>
/// <param name="t0">The entity's <typeparamref name="T0"/>, writable in place.</param>
public delegate void ForEach<T0>(ref T0 t0);

/// <summary>Called once per matching entity with references to its components.</summary>
/// <typeparam name="T0">Component type 0.</typeparam>
/// <typeparam name="T1">Component type 1.</typeparam>
/// <param name="t0">The entity's <typeparamref name="T0"/>, writable in place.</param>
/// <param name="t1">The entity's <typeparamref name="T1"/>, writable in place.</param>
public delegate void ForEach<T0, T1>(ref T0 t0, ref T1 t1);

/// <summary>Called once per matching entity with references to its components.</summary>
/// <typeparam name="T0">Component type 0.</typeparam>
/// <typeparam name="T1">Component type 1.</typeparam>
/// <typeparam name="T2">Component type 2.</typeparam>
/// <param name="t0">The entity's <typeparamref name="T0"/>, writable in place.</param>
/// <param name="t1">The entity's <typeparamref name="T1"/>, writable in place.</param>
/// <param name="t2">The entity's <typeparamref name="T2"/>, writable in place.</param>
public delegate void ForEach<T0, T1, T2>(ref T0 t0, ref T1 t1, ref T2 t2);

/// <summary>Called once per matching entity with references to its components.</summary>
/// <typeparam name="T0">Component type 0.</typeparam>
/// <typeparam name="T1">Component type 1.</typeparam>
/// <typeparam name="T2">Component type 2.</typeparam>
/// <typeparam name="T3">Component type 3.</typeparam>
/// <param name="t0">The entity's <typeparamref name="T0"/>, writable in place.</param>
/// <param name="t1">The entity's <typeparamref name="T1"/>, writable in place.</param>
/// <param name="t2">The entity's <typeparamref name="T2"/>, writable in place.</param>
/// <param name="t3">The entity's <typeparamref name="T3"/>, writable in place.</param>
public delegate void ForEach<T0, T1, T2, T3>(ref T0 t0, ref T1 t1, ref T2 t2, ref T3 t3);
