namespace RealtimeGen.Engine.Ecs;

/// <summary>
/// Which entities a query visits: those having all <see cref="All"/> types, at least one <see cref="Any"/> type
/// (when any are given) and no <see cref="None"/> type; or, when <see cref="Exclusive"/> is set, exactly those types.
/// </summary>
/// <remarks>
/// Build once and keep it in a field: <c>new QueryDescription().WithAll&lt;Position, Velocity&gt;().WithNone&lt;Frozen&gt;()</c>.
/// The generic <c>With*</c> forms allocate nothing (their sets are cached per type list); the span forms copy
/// their input. Immutable; safe to share between threads. Equal descriptions share one cached <see cref="Query"/>
/// per world.
/// </remarks>
public readonly struct QueryDescription : IEquatable<QueryDescription>
{
    private readonly ComponentType[]? _all;
    private readonly ComponentType[]? _any;
    private readonly ComponentType[]? _none;
    private readonly ComponentType[]? _exclusive;
    private readonly Signature? _allSignature;
    private readonly Signature? _anySignature;
    private readonly Signature? _noneSignature;
    private readonly Signature? _exclusiveSignature;

    /// <summary>A description that matches every entity.</summary>
    public QueryDescription()
    {
    }

    private QueryDescription(
        ComponentType[]? all,
        Signature? allSignature,
        ComponentType[]? any,
        Signature? anySignature,
        ComponentType[]? none,
        Signature? noneSignature,
        ComponentType[]? exclusive,
        Signature? exclusiveSignature)
    {
        _all = all;
        _allSignature = allSignature;
        _any = any;
        _anySignature = anySignature;
        _none = none;
        _noneSignature = noneSignature;
        _exclusive = exclusive;
        _exclusiveSignature = exclusiveSignature;
    }

    /// <summary>Types every matching entity has.</summary>
    public ReadOnlySpan<ComponentType> All => _all;

    /// <summary>Types of which a matching entity has at least one; empty means no such requirement.</summary>
    public ReadOnlySpan<ComponentType> Any => _any;

    /// <summary>Types no matching entity has.</summary>
    public ReadOnlySpan<ComponentType> None => _none;

    /// <summary>
    /// The exact type set of matching entities once a <c>WithExclusive</c> call set it (empty until then); the other
    /// filters are then ignored.
    /// </summary>
    public ReadOnlySpan<ComponentType> Exclusive => _exclusive;

    private Signature AllSignature => _allSignature ?? Signature.Empty;

    private Signature AnySignature => _anySignature ?? Signature.Empty;

    private Signature NoneSignature => _noneSignature ?? Signature.Empty;

    /// <summary>Compares the filters as sets.</summary>
    public static bool operator ==(QueryDescription left, QueryDescription right) => left.Equals(right);

    /// <summary>Compares the filters as sets.</summary>
    public static bool operator !=(QueryDescription left, QueryDescription right) => !left.Equals(right);

    /// <summary>Requires every listed type; replaces the previous All filter (as Arch's does), so list them in one call.</summary>
    public QueryDescription WithAll<T0>() => WithAllSet(ComponentSet<T0>.Types, ComponentSet<T0>.Signature);

    /// <summary>Requires every listed type; replaces the previous All filter (as Arch's does), so list them in one call.</summary>
    public QueryDescription WithAll<T0, T1>() => WithAllSet(ComponentSet<T0, T1>.Types, ComponentSet<T0, T1>.Signature);

    /// <summary>Requires every listed type; replaces the previous All filter (as Arch's does), so list them in one call.</summary>
    public QueryDescription WithAll<T0, T1, T2>() => WithAllSet(ComponentSet<T0, T1, T2>.Types, ComponentSet<T0, T1, T2>.Signature);

    /// <summary>Requires every listed type; replaces the previous All filter (as Arch's does), so list them in one call.</summary>
    public QueryDescription WithAll<T0, T1, T2, T3>() => WithAllSet(ComponentSet<T0, T1, T2, T3>.Types, ComponentSet<T0, T1, T2, T3>.Signature);

    /// <summary>Requires at least one listed type; replaces the previous Any filter.</summary>
    public QueryDescription WithAny<T0>() => WithAnySet(ComponentSet<T0>.Types, ComponentSet<T0>.Signature);

    /// <summary>Requires at least one listed type; replaces the previous Any filter.</summary>
    public QueryDescription WithAny<T0, T1>() => WithAnySet(ComponentSet<T0, T1>.Types, ComponentSet<T0, T1>.Signature);

    /// <summary>Requires at least one listed type; replaces the previous Any filter.</summary>
    public QueryDescription WithAny<T0, T1, T2>() => WithAnySet(ComponentSet<T0, T1, T2>.Types, ComponentSet<T0, T1, T2>.Signature);

    /// <summary>Requires at least one listed type; replaces the previous Any filter.</summary>
    public QueryDescription WithAny<T0, T1, T2, T3>() => WithAnySet(ComponentSet<T0, T1, T2, T3>.Types, ComponentSet<T0, T1, T2, T3>.Signature);

    /// <summary>Excludes entities that have any listed type; replaces the previous None filter.</summary>
    public QueryDescription WithNone<T0>() => WithNoneSet(ComponentSet<T0>.Types, ComponentSet<T0>.Signature);

    /// <summary>Excludes entities that have any listed type; replaces the previous None filter.</summary>
    public QueryDescription WithNone<T0, T1>() => WithNoneSet(ComponentSet<T0, T1>.Types, ComponentSet<T0, T1>.Signature);

    /// <summary>Excludes entities that have any listed type; replaces the previous None filter.</summary>
    public QueryDescription WithNone<T0, T1, T2>() => WithNoneSet(ComponentSet<T0, T1, T2>.Types, ComponentSet<T0, T1, T2>.Signature);

    /// <summary>Excludes entities that have any listed type; replaces the previous None filter.</summary>
    public QueryDescription WithNone<T0, T1, T2, T3>() => WithNoneSet(ComponentSet<T0, T1, T2, T3>.Types, ComponentSet<T0, T1, T2, T3>.Signature);

    /// <summary>Matches only entities whose types are exactly the listed ones; when set, the other filters are ignored.</summary>
    public QueryDescription WithExclusive<T0>() => WithExclusiveSet(ComponentSet<T0>.Types, ComponentSet<T0>.Signature);

    /// <summary>Matches only entities whose types are exactly the listed ones; when set, the other filters are ignored.</summary>
    public QueryDescription WithExclusive<T0, T1>() => WithExclusiveSet(ComponentSet<T0, T1>.Types, ComponentSet<T0, T1>.Signature);

    /// <summary>Matches only entities whose types are exactly the listed ones; when set, the other filters are ignored.</summary>
    public QueryDescription WithExclusive<T0, T1, T2>() => WithExclusiveSet(ComponentSet<T0, T1, T2>.Types, ComponentSet<T0, T1, T2>.Signature);

    /// <summary>Matches only entities whose types are exactly the listed ones; when set, the other filters are ignored.</summary>
    public QueryDescription WithExclusive<T0, T1, T2, T3>() => WithExclusiveSet(ComponentSet<T0, T1, T2, T3>.Types, ComponentSet<T0, T1, T2, T3>.Signature);

    /// <summary>Requires every listed type; replaces the previous All filter. Copies <paramref name="types"/>.</summary>
    public QueryDescription WithAll(params ReadOnlySpan<ComponentType> types) =>
        WithAllSet(types.ToArray(), Signature.From(types));

    /// <summary>Requires at least one listed type; replaces the previous Any filter. Copies <paramref name="types"/>.</summary>
    public QueryDescription WithAny(params ReadOnlySpan<ComponentType> types) =>
        WithAnySet(types.ToArray(), Signature.From(types));

    /// <summary>Excludes entities that have any listed type; replaces the previous None filter. Copies <paramref name="types"/>.</summary>
    public QueryDescription WithNone(params ReadOnlySpan<ComponentType> types) =>
        WithNoneSet(types.ToArray(), Signature.From(types));

    /// <summary>Matches exactly the listed type set; the other filters are then ignored. Copies <paramref name="types"/>.</summary>
    public QueryDescription WithExclusive(params ReadOnlySpan<ComponentType> types) =>
        WithExclusiveSet(types.ToArray(), Signature.From(types));

    /// <inheritdoc/>
    public bool Equals(QueryDescription other) =>
        AllSignature.Equals(other.AllSignature)
        && AnySignature.Equals(other.AnySignature)
        && NoneSignature.Equals(other.NoneSignature)
        && Equals(_exclusiveSignature, other._exclusiveSignature);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is QueryDescription other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(AllSignature, AnySignature, NoneSignature, _exclusiveSignature);

    /// <inheritdoc/>
    public override string ToString() =>
        _exclusive is not null
            ? $"QueryDescription(Exclusive: {Names(_exclusive)})"
            : $"QueryDescription(All: {Names(_all)}; Any: {Names(_any)}; None: {Names(_none)})";

    internal bool Matches(Signature archetype)
    {
        if (_exclusiveSignature is not null)
        {
            return archetype.Equals(_exclusiveSignature);
        }

        return archetype.ContainsAll(AllSignature)
            && (AnySignature.IsEmpty || archetype.Intersects(AnySignature))
            && !archetype.Intersects(NoneSignature);
    }

    private static string Names(ComponentType[]? types) =>
        types is null || types.Length == 0 ? "-" : string.Join(", ", Array.ConvertAll(types, static t => t.Type.Name));

    private QueryDescription WithAllSet(ComponentType[] types, Signature signature) =>
        new(types, signature, _any, _anySignature, _none, _noneSignature, _exclusive, _exclusiveSignature);

    private QueryDescription WithAnySet(ComponentType[] types, Signature signature) =>
        new(_all, _allSignature, types, signature, _none, _noneSignature, _exclusive, _exclusiveSignature);

    private QueryDescription WithNoneSet(ComponentType[] types, Signature signature) =>
        new(_all, _allSignature, _any, _anySignature, types, signature, _exclusive, _exclusiveSignature);

    private QueryDescription WithExclusiveSet(ComponentType[] types, Signature signature) =>
        new(_all, _allSignature, _any, _anySignature, _none, _noneSignature, types, signature);
}
