using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Models;
using RealtimeGen.Plugin.Text;

namespace RealtimeGen.Tests.Plugin.Text;

public class ClipTokenizerTests
{
    private static ClipTokenizer Load(ListLogger? logger = null)
    {
        ModelPackage package = ModelPackage.Load(ShippedModel.Directory);
        return ClipTokenizer.Load(package.VocabularyPath, package.MergesPath, package.TokenizerMaxLength, logger);
    }

    private static IEnumerable<TestCaseData> ManifestPrompts() =>
        TestVectorManifest.Load(ShippedModel.Directory).Tokenizer
            .Select(v => new TestCaseData(v.Prompt, v.Ids.ToArray()).SetArgDisplayNames($"\"{v.Prompt}\""));

    [Test]
    public void The_manifest_records_expected_ids() =>
        Assert.That(TestVectorManifest.Load(ShippedModel.Directory).Tokenizer, Is.Not.Empty);

    [TestCaseSource(nameof(ManifestPrompts))]
    public void Ids_match_the_reference_tokenizer(string prompt, long[] expected)
    {
        long[] ids = Load().Encode(prompt);
        Assert.That(ids.Take(expected.Length), Is.EqualTo(expected));
    }

    [Test]
    public void Case_and_whitespace_are_normalised() =>
        Assert.That(Load().Encode("  Mossy   RED\tbrick\nwall "), Is.EqualTo(Load().Encode("mossy red brick wall")));

    [Test]
    public void Empty_prompt_is_start_end_and_padding()
    {
        ClipTokenizer tokenizer = Load();
        long[] ids = tokenizer.Encode("");
        Assert.That(ids, Has.Length.EqualTo(tokenizer.MaxLength));
        Assert.That(ids[0], Is.EqualTo(tokenizer.StartTokenId));
        Assert.That(ids.Skip(1), Is.All.EqualTo((long)tokenizer.EndTokenId));
    }

    [Test]
    public void Long_prompts_are_truncated_to_the_model_length_and_logged()
    {
        var logger = new ListLogger();
        ClipTokenizer tokenizer = Load(logger);
        var ids = new long[tokenizer.MaxLength];
        int count = tokenizer.Encode(new string('x', 3) + string.Concat(Enumerable.Repeat(" red brick", 5000)), ids);
        Assert.That(count, Is.EqualTo(tokenizer.MaxLength));
        Assert.That(ids[^1], Is.EqualTo(tokenizer.EndTokenId));
        Assert.That(ids[^2], Is.Not.EqualTo(tokenizer.EndTokenId));
        Assert.That(logger.Entries.Single().Message, Does.Contain("truncated"));
    }

    [Test]
    public void Unicode_text_goes_through_byte_level_tokens()
    {
        ClipTokenizer tokenizer = Load();
        long[] ids = tokenizer.Encode("café 日本");
        int count = Array.IndexOf(ids, (long)tokenizer.EndTokenId);
        Assert.That(count, Is.GreaterThan(4), "every UTF-8 byte has a token, so nothing is dropped");
    }

    [Test]
    public void A_vocabulary_without_clip_tokens_is_refused()
    {
        string folder = Path.Combine(Path.GetTempPath(), "rtg-tok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "vocab.json"), "{\"a</w>\": 0, \"a\": 1}");
            File.WriteAllText(Path.Combine(folder, "merges.txt"), "#version: 0.2\n");
            var e = Assert.Throws<RealtimeGenException>(() => ClipTokenizer.Load(Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt")));
            Assert.That(e!.Message, Does.Contain("<|startoftext|>"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
