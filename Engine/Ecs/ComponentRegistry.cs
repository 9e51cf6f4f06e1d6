using System.Runtime.CompilerServices;

namespace RealtimeGen.Engine.Ecs;

/// <summary>
/// Hands out dense component ids. Process-wide by design (ids index static generic caches), append-only, and
/// locked, so worlds on different threads can register types concurrently.
/// </summary>
internal static class ComponentRegistry
{
    private static readonly Lock Gate = new();
    private static readonly List<ComponentType> Types = [];

    public static ComponentType Register<T>()
    {
        lock (Gate)
        {
            foreach (var existing in Types)
            {
                if (existing.Type == typeof(T))
                {
                    return existing;
                }
            }

            var isManaged = RuntimeHelpers.IsReferenceOrContainsReferences<T>();
            var byteSize = typeof(T).IsValueType ? Unsafe.SizeOf<T>() : IntPtr.Size;
            var type = new ComponentType(Types.Count, typeof(T), byteSize, isManaged, new ColumnOperations<T>());
            Types.Add(type);
            return type;
        }
    }
}
