namespace RealtimeGen.Engine.Ecs;

/// <summary>One recorded structural change; component values live in the typed <see cref="ComponentValueBuffer"/>s.</summary>
internal struct BufferedCommand
{
    public CommandKind Kind;

    /// <summary>A world entity, or a placeholder (negative id) returned by the buffer's Create.</summary>
    public Entity Entity;

    /// <summary>Component id for Add/Set/Remove; start in the buffer's type list for Create.</summary>
    public int Argument;

    /// <summary>Value index for Add/Set; type count for Create.</summary>
    public int Count;
}
