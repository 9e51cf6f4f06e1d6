namespace RealtimeGen.Plugin.Pipeline;

/// <summary>
/// Text-encoder outputs by prompt string, bounded: when full, the oldest entry is evicted. A hit allocates
/// nothing.
/// </summary>
/// <remarks>Thread-safe (one lock); the returned arrays are shared and must not be written.</remarks>
public sealed class PromptEmbeddingCache
{
    private readonly Dictionary<string, float[]> _entries = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    /// <summary>Creates a cache of at most <paramref name="capacity"/> prompts.</summary>
    public PromptEmbeddingCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Most prompts kept.</summary>
    public int Capacity { get; }

    /// <summary>Prompts cached now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The cached embedding of <paramref name="prompt"/>, if any.</summary>
    public bool TryGet(string prompt, out float[] embedding)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(prompt, out embedding!);
        }
    }

    /// <summary>Caches <paramref name="embedding"/> for <paramref name="prompt"/>, evicting the oldest when full.</summary>
    public void Add(string prompt, float[] embedding)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(embedding);
        lock (_lock)
        {
            if (_entries.ContainsKey(prompt))
            {
                _entries[prompt] = embedding;
                return;
            }

            while (_entries.Count >= Capacity)
            {
                _entries.Remove(_order.Dequeue());
            }

            _entries.Add(prompt, embedding);
            _order.Enqueue(prompt);
        }
    }

    /// <summary>Drops every entry.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _order.Clear();
        }
    }
}
