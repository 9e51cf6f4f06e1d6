using System.Text;
using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Plugin.Assets;

namespace RealtimeGen.Tests.Plugin.Assets;

public class BakeManifestTests
{
    private static BakeManifest Parse(string json) => BakeManifest.Parse(Encoding.UTF8.GetBytes(json), "m.json", "/base");

    private static string ErrorOf(string json) => Assert.Throws<RealtimeGenException>(() => Parse(json))!.Message;

    [Test]
    public void Assets_take_their_own_fields_over_the_defaults()
    {
        BakeManifest manifest = Parse("""
            {
              "defaults": { "size": 128, "steps": 2, "guidance": 4.5 },
              "assets": [
                { "name": "brick", "prompt": "red brick", "seed": 7 },
                { "name": "moss", "prompt": "moss", "width": 256, "height": 128, "seamless": false, "steps": 3, "init": "in/moss.png", "strength": 0.4 }
              ]
            }
            """);
        Assert.That(manifest.Assets, Has.Count.EqualTo(2));
        BakeAsset brick = manifest.Assets[0];
        BakeAsset moss = manifest.Assets[1];
        Assert.Multiple(() =>
        {
            Assert.That(brick.Name, Is.EqualTo("brick"));
            Assert.That(brick.Line, Is.EqualTo(4));
            Assert.That(brick.Request.Prompt, Is.EqualTo("red brick"));
            Assert.That(brick.Request.Seed, Is.EqualTo(7));
            Assert.That(brick.Request.Width, Is.EqualTo(128));
            Assert.That(brick.Request.Steps, Is.EqualTo(2));
            Assert.That(brick.Request.GuidanceScale, Is.EqualTo(4.5));
            Assert.That(brick.Request.Seamless, Is.True, "seamless is the default for assets");
            Assert.That(brick.InitImagePath, Is.Null);
            Assert.That(moss.Request.Width, Is.EqualTo(256));
            Assert.That(moss.Request.Height, Is.EqualTo(128));
            Assert.That(moss.Request.Seamless, Is.False);
            Assert.That(moss.Request.Steps, Is.EqualTo(3));
            Assert.That(moss.Request.Strength, Is.EqualTo(0.4));
            Assert.That(moss.Request.GuidanceScale, Is.EqualTo(4.5), "defaults apply to every asset");
            Assert.That(Parse("""{ "assets": [ { "name": "a", "prompt": "p" } ] }""").Assets[0].Request.GuidanceScale,
                Is.Null, "no guidance anywhere leaves it to the model");
            Assert.That(moss.InitImagePath, Is.EqualTo(Path.GetFullPath("/base/in/moss.png")));
        });
    }

    [Test]
    public void Bad_json_names_the_line()
    {
        string message = ErrorOf("{\n  \"assets\": [\n    { \"name\": \"a\", \"prompt\": \"b\", },\n  ]\n}");
        Assert.That(message, Does.StartWith("m.json line 3:"));
    }

    [Test]
    public void A_missing_field_names_the_line_of_its_asset()
    {
        string message = ErrorOf("{\n  \"assets\": [\n    { \"name\": \"a\", \"prompt\": \"b\" },\n    { \"name\": \"c\" }\n  ]\n}");
        Assert.That(message, Does.StartWith("m.json line 4:").And.Contain("\"prompt\""));
    }

    [TestCase("{ \"name\": \"a\", \"prompt\": \"b\", \"size\": 100 }", "from 128 to 1024")]
    [TestCase("{ \"name\": \"a\", \"prompt\": \"b\", \"size\": 2048 }", "found 2048")]
    [TestCase("{ \"name\": \"a\", \"prompt\": \"b\", \"width\": 260 }", "steps of 8")]
    [TestCase("{ \"name\": \"a\", \"prompt\": \"b\", \"steps\": \"four\" }", "\"steps\" to be an integer")]
    [TestCase("{ \"name\": \"a\", \"prompt\": \"b\", \"colour\": 1 }", "unknown field \"colour\"")]
    [TestCase("{ \"name\": \"../x\", \"prompt\": \"b\" }", "\"name\"")]
    [TestCase("{ \"name\": \"a\", \"prompt\": 5 }", "\"prompt\" to be a string")]
    public void Bad_fields_name_the_line_and_what_was_expected(string asset, string expected)
    {
        string message = ErrorOf("{\n  \"assets\": [\n    " + asset + "\n  ]\n}");
        Assert.That(message, Does.StartWith("m.json line 3:").And.Contain(expected));
    }

    [Test]
    public void Duplicate_names_and_a_missing_asset_list_are_refused()
    {
        Assert.That(
            ErrorOf("{\"assets\": [\n{\"name\": \"a\", \"prompt\": \"b\"},\n{\"name\": \"A\", \"prompt\": \"c\"}]}"),
            Does.StartWith("m.json line 3:").And.Contain("already used on line 2"));
        Assert.That(ErrorOf("{\"defaults\": {}}"), Does.Contain("\"assets\""));
        Assert.That(ErrorOf("[1, 2]"), Does.Contain("line 1"));
    }

    [Test]
    public void A_byte_order_mark_is_accepted()
    {
        byte[] text = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{ \"assets\": [ { \"name\": \"a\", \"prompt\": \"b\" } ] }")];
        Assert.That(BakeManifest.Parse(text, "m.json", "/base").Assets[0].Name, Is.EqualTo("a"));
    }

    [Test]
    public void A_missing_file_is_named()
    {
        var e = Assert.Throws<RealtimeGenException>(() => BakeManifest.Load("/nonexistent/bake.json"));
        Assert.That(e!.Message, Does.Contain("/nonexistent/bake.json"));
    }
}
