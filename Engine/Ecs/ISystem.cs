namespace RealtimeGen.Engine.Ecs;

/// <summary>
/// One step of per-frame game logic over a <see cref="World"/>, run by a <see cref="SystemGroup{T}"/> in its
/// declared place (Arch.System's <c>ISystem&lt;T&gt;</c>, reduced to its update).
/// </summary>
/// <typeparam name="T">
/// What a frame hands every system: the frame loop's time value (a <see cref="float"/> delta, or a frame-time
/// struct).
/// </typeparam>
/// <remarks>
/// A system keeps its <see cref="QueryDescription"/> (and a <see cref="CommandBuffer"/>, if it makes structural
/// changes) in fields, so an update allocates nothing. Called on the thread that owns the world.
/// </remarks>
public interface ISystem<T>
{
    /// <summary>Does this system's work for one frame.</summary>
    /// <param name="state">The frame's time or state, shared by all systems of the frame.</param>
    void Update(in T state);
}
