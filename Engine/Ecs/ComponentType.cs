namespace RealtimeGen.Engine.Ecs;

/// <summary>
/// Identity and storage facts of one component type, as registered by <see cref="Component{T}"/>.
/// </summary>
/// <remarks>
/// Obtain it from <see cref="Component{T}.ComponentType"/>. There is deliberately no conversion from
/// <see cref="System.Type"/>: registering through the generic path lets chunk columns be created without
/// reflection. Ids are process-wide, dense from 0, and stable for the life of the process.
/// </remarks>
public readonly struct ComponentType : IEquatable<ComponentType>
{
    internal ComponentType(int id, Type type, int byteSize, bool isManaged, ColumnOperations operations)
    {
        Id = id;
        Type = type;
        ByteSize = byteSize;
        IsManaged = isManaged;
        Operations = operations;
    }

    /// <summary>Process-wide dense id; indexes signatures and lookup tables.</summary>
    public int Id { get; }

    /// <summary>The component's CLR type.</summary>
    public Type Type { get; }

    /// <summary>Bytes one value takes in a chunk column; references count as a pointer.</summary>
    public int ByteSize { get; }

    /// <summary>
    /// True when the type is or contains references; such columns are traced by the GC and cleared on removal,
    /// so keep them off hot queries.
    /// </summary>
    public bool IsManaged { get; }

    internal ColumnOperations Operations { get; }

    /// <summary>Compares ids.</summary>
    public static bool operator ==(ComponentType left, ComponentType right) => left.Id == right.Id;

    /// <summary>Compares ids.</summary>
    public static bool operator !=(ComponentType left, ComponentType right) => left.Id != right.Id;

    /// <inheritdoc/>
    public bool Equals(ComponentType other) => Id == other.Id;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ComponentType other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Id;

    /// <inheritdoc/>
    public override string ToString() => Type is null ? "ComponentType(none)" : $"{Type.Name}#{Id}";
}
