namespace RealtimeGen.Engine.Ecs;

// The arity family of one concept: static caches of a generic type list's component types and signature, so
// generic Create and WithAll/WithAny/WithNone find their archetype or filter without allocating.

/// <summary>The component types <c>T0</c> as a cached array and signature.</summary>
internal static class ComponentSet<T0>
{
    public static readonly ComponentType[] Types = [Component<T0>.ComponentType];

    public static readonly Signature Signature = Signature.From(Types);

    /// <summary>True when a type is listed twice; Create refuses that.</summary>
    public static readonly bool HasDuplicates = Signature.Count != Types.Length;
}

/// <summary>The component types <c>T0, T1</c> as a cached array and signature.</summary>
internal static class ComponentSet<T0, T1>
{
    public static readonly ComponentType[] Types = [Component<T0>.ComponentType, Component<T1>.ComponentType];

    public static readonly Signature Signature = Signature.From(Types);

    /// <summary>True when a type is listed twice; Create refuses that.</summary>
    public static readonly bool HasDuplicates = Signature.Count != Types.Length;
}

/// <summary>The component types <c>T0, T1, T2</c> as a cached array and signature.</summary>
internal static class ComponentSet<T0, T1, T2>
{
    public static readonly ComponentType[] Types = [Component<T0>.ComponentType, Component<T1>.ComponentType, Component<T2>.ComponentType];

    public static readonly Signature Signature = Signature.From(Types);

    /// <summary>True when a type is listed twice; Create refuses that.</summary>
    public static readonly bool HasDuplicates = Signature.Count != Types.Length;
}

/// <summary>The component types <c>T0, T1, T2, T3</c> as a cached array and signature.</summary>
internal static class ComponentSet<T0, T1, T2, T3>
{
    public static readonly ComponentType[] Types = [Component<T0>.ComponentType, Component<T1>.ComponentType, Component<T2>.ComponentType, Component<T3>.ComponentType];

    public static readonly Signature Signature = Signature.From(Types);

    /// <summary>True when a type is listed twice; Create refuses that.</summary>
    public static readonly bool HasDuplicates = Signature.Count != Types.Length;
}
