using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.Tokenizers;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Models;

namespace RealtimeGen.Plugin.Text;

/// <summary>
/// CLIP's tokenizer on Microsoft.ML.Tokenizers' byte-level BPE with <c>&lt;/w&gt;</c> word ends: text is
/// whitespace-collapsed and lower-cased, split with CLIP's pattern, encoded, wrapped in
/// <c>&lt;|startoftext|&gt;</c> … <c>&lt;|endoftext|&gt;</c>, truncated to the model length (logged) and padded
/// with <c>&lt;|endoftext|&gt;</c> as SD1.5's tokenizer does.
/// </summary>
/// <remarks>Thread-safe after construction: encoding holds no mutable state.</remarks>
public sealed partial class ClipTokenizer
{
    /// <summary>CLIP's start-of-text token.</summary>
    public const string StartToken = "<|startoftext|>";

    /// <summary>CLIP's end-of-text token, also the padding token.</summary>
    public const string EndToken = "<|endoftext|>";

    private readonly BpeTokenizer _bpe;
    private readonly ILogger _logger;

    private ClipTokenizer(BpeTokenizer bpe, int maxLength, int startId, int endId, ILogger logger)
    {
        _bpe = bpe;
        MaxLength = maxLength;
        StartTokenId = startId;
        EndTokenId = endId;
        _logger = logger;
    }

    /// <summary>Sequence length of every encoding (77 for CLIP).</summary>
    public int MaxLength { get; }

    /// <summary>Id of <see cref="StartToken"/>.</summary>
    public int StartTokenId { get; }

    /// <summary>Id of <see cref="EndToken"/>, used for padding.</summary>
    public int EndTokenId { get; }

    /// <summary>Loads <c>vocab.json</c> and <c>merges.txt</c> as exported with a CLIP tokenizer.</summary>
    /// <exception cref="RealtimeGenException">A file is missing or lacks the start/end tokens.</exception>
    public static ClipTokenizer Load(string vocabularyPath, string mergesPath, int maxLength = 77, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabularyPath);
        ArgumentException.ThrowIfNullOrEmpty(mergesPath);
        if (maxLength < 2)
        {
            throw new RealtimeGenException($"Expected a token length of at least 2; found {maxLength}.");
        }

        Dictionary<string, int> vocabulary = ReadVocabulary(vocabularyPath);
        if (!vocabulary.TryGetValue(StartToken, out int startId) || !vocabulary.TryGetValue(EndToken, out int endId))
        {
            throw new RealtimeGenException(
                $"{vocabularyPath}: expected the CLIP tokens {StartToken} and {EndToken}; at least one is missing. " +
                "Use the tokenizer files exported with the model.");
        }

        var special = new Dictionary<string, int> { [StartToken] = startId, [EndToken] = endId };
        List<string> merges = ReadMerges(mergesPath);
        var options = new BpeOptions(vocabulary)
        {
            Merges = merges,
            EndOfWordSuffix = "</w>",
            ByteLevel = true,
            SpecialTokens = special,
            PreTokenizer = new RegexPreTokenizer(ClipPattern(), special),
        };
        BpeTokenizer bpe;
        try
        {
            bpe = BpeTokenizer.Create(options);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new RealtimeGenException(
                $"{vocabularyPath} / {mergesPath}: expected a consistent CLIP BPE vocabulary and merges; " +
                $"loading failed: {e.Message}", e);
        }

        return new ClipTokenizer(bpe, maxLength, startId, endId, logger ?? NullLogger.Instance);
    }

    /// <summary>Applies CLIP's text clean-up: collapse whitespace, trim, lower-case.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return WhitespaceRun().Replace(text, " ").Trim().ToLowerInvariant();
    }

    /// <summary>
    /// Encodes <paramref name="text"/> into exactly <see cref="MaxLength"/> ids in <paramref name="destination"/>.
    /// An empty prompt gives start, end, then padding (the unconditional embedding).
    /// </summary>
    /// <returns>Ids before padding, start and end tokens included.</returns>
    public int Encode(string text, Span<long> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (destination.Length != MaxLength)
        {
            throw new ArgumentException($"Expected room for {MaxLength} ids; found {destination.Length}.", nameof(destination));
        }

        IReadOnlyList<int> ids = _bpe.EncodeToIds(Normalize(text), considerPreTokenization: true, considerNormalization: false);
        int room = MaxLength - 2;
        if (ids.Count > room)
        {
            PluginLog.PromptTruncated(_logger, ids.Count + 2, MaxLength);
        }

        int count = Math.Min(ids.Count, room);
        destination[0] = StartTokenId;
        for (int i = 0; i < count; i++)
        {
            destination[i + 1] = ids[i];
        }

        destination[count + 1] = EndTokenId;
        destination[(count + 2)..].Fill(EndTokenId);
        return count + 2;
    }

    /// <summary>Encodes into a new array of <see cref="MaxLength"/> ids.</summary>
    public long[] Encode(string text)
    {
        var ids = new long[MaxLength];
        Encode(text, ids);
        return ids;
    }

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ClipPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRun();

    private static Dictionary<string, int> ReadVocabulary(string path)
    {
        using JsonDocument document = StrictJson.ReadObject(path, 64L << 20);
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonProperty entry in document.RootElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
            {
                throw new RealtimeGenException(
                    $"{path}: expected token → non-negative integer id pairs; \"{entry.Name}\" maps to {entry.Value.GetRawText()}.");
            }

            vocabulary[entry.Name] = id;
        }

        return vocabulary;
    }

    private static List<string> ReadMerges(string path)
    {
        var merges = new List<string>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path, Encoding.UTF8))
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }

            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
            {
                throw new RealtimeGenException(
                    $"{path}:{lineNumber}: expected a merge \"left right\"; found \"{line}\".");
            }

            merges.Add(line);
        }

        return merges;
    }
}
