using System.Numerics;

namespace RealtimeGen.Engine.Ecs;

/// <summary>
/// An immutable set of component ids as a bit set: the key of an archetype and the filters of a query.
/// </summary>
/// <remarks>
/// Trailing zero words are trimmed so equal sets have equal words; the hash is computed once at construction.
/// </remarks>
internal sealed class Signature : IEquatable<Signature>
{
    public static readonly Signature Empty = new([]);

    private readonly ulong[] _words;
    private readonly int _hash;

    private Signature(ulong[] words)
    {
        _words = words;
        var hash = new HashCode();
        foreach (var word in words)
        {
            hash.Add(word);
        }

        _hash = hash.ToHashCode();
        Count = 0;
        foreach (var word in words)
        {
            Count += BitOperations.PopCount(word);
        }
    }

    public int Count { get; }

    public bool IsEmpty => _words.Length == 0;

    public static Signature From(ReadOnlySpan<ComponentType> types)
    {
        var max = -1;
        foreach (var type in types)
        {
            max = Math.Max(max, type.Id);
        }

        if (max < 0)
        {
            return Empty;
        }

        var words = new ulong[(max >> 6) + 1];
        foreach (var type in types)
        {
            words[type.Id >> 6] |= 1UL << (type.Id & 63);
        }

        return new Signature(words);
    }

    public bool Has(int id)
    {
        var word = id >> 6;
        return word < _words.Length && (_words[word] & (1UL << (id & 63))) != 0;
    }

    public Signature With(int id)
    {
        if (Has(id))
        {
            return this;
        }

        var words = new ulong[Math.Max(_words.Length, (id >> 6) + 1)];
        _words.CopyTo(words, 0);
        words[id >> 6] |= 1UL << (id & 63);
        return new Signature(words);
    }

    public Signature Without(int id)
    {
        if (!Has(id))
        {
            return this;
        }

        var words = (ulong[])_words.Clone();
        words[id >> 6] &= ~(1UL << (id & 63));
        var length = words.Length;
        while (length > 0 && words[length - 1] == 0)
        {
            length--;
        }

        return new Signature(length == words.Length ? words : words[..length]);
    }

    /// <summary>True when every id of <paramref name="subset"/> is in this set.</summary>
    public bool ContainsAll(Signature subset)
    {
        if (subset._words.Length > _words.Length)
        {
            return false;
        }

        for (var i = 0; i < subset._words.Length; i++)
        {
            if ((subset._words[i] & ~_words[i]) != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the sets share at least one id.</summary>
    public bool Intersects(Signature other)
    {
        var length = Math.Min(_words.Length, other._words.Length);
        for (var i = 0; i < length; i++)
        {
            if ((_words[i] & other._words[i]) != 0)
            {
                return true;
            }
        }

        return false;
    }

    public bool Equals(Signature? other) =>
        other is not null && _hash == other._hash && _words.AsSpan().SequenceEqual(other._words);

    public override bool Equals(object? obj) => obj is Signature other && Equals(other);

    public override int GetHashCode() => _hash;
}
