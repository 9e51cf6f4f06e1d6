using NUnit.Framework;
using RealtimeGen.Engine.Ecs;
using RealtimeGen.Engine.Rendering;
using RealtimeGen.Engine.Scene;
using RealtimeGen.Plugin.Components;
using RealtimeGen.Tests.Plugin.Generation;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Plugin.Systems;

/// <summary>System behaviour that does not depend on the model, with a scripted backend.</summary>
public class TextureGenerationSystemScriptedTests
{
    private static TextureRequest Request(string prompt) => new(prompt) { Steps = 3, Width = 32, Height = 32 };

    private static GenerationProgress Progress(StreamingHarness harness, Entity entity) =>
        harness.World.TryGet(entity, out GenerationProgress progress) ? progress : default;

    [Test]
    public void A_request_edited_directly_in_the_world_is_picked_up_by_the_audit()
    {
        var backend = new ScriptedBackend();
        var result = GlTestHost.Run(context =>
        {
            using var harness = new StreamingHarness(context.Gl, () => backend);
            Entity entity = harness.World.Create(Request("first"));
            harness.RunUntil(() => Progress(harness, entity).IsComplete, "the first texture");

            // No plugin.Request: the game wrote the component itself and bumped the version.
            harness.World.Set(entity, Request("second") with { Version = 1 });
            harness.RunUntil(
                () => Progress(harness, entity) is { IsComplete: true, Version: 1 },
                "the directly edited request's texture");
            harness.Settle();
            return backend.Started.ToArray();
        });

        Assert.That(result, Is.EqualTo(new[] { "first", "second" }));
    }

    [Test]
    public void The_entitys_material_shows_its_generated_texture_from_the_first_image()
    {
        var backend = new ScriptedBackend();
        var result = GlTestHost.Run(context =>
        {
            using var assets = new RenderAssets();
            var placeholder = assets.Own(new Texture2D(context.Gl, 4, 4));
            MaterialHandle material = assets.Add(new LitMaterial(placeholder));
            using var harness = new StreamingHarness(context.Gl, () => backend, assets: assets);
            Entity entity = harness.World.Create(Request("tiles"), new MeshRenderer(default, material));
            harness.RunUntil(() => harness.Updates.Count > 0, "the first image");
            bool boundAtFirstImage = ReferenceEquals(assets[material].Albedo, harness.Plugin.TextureOf(entity));
            harness.RunUntil(() => Progress(harness, entity).IsComplete, "the final image");
            harness.Settle();
            var pixels = new byte[32 * 32 * 4];
            assets[material].Albedo.ReadPixels(pixels);
            return (boundAtFirstImage, Placeholder: ReferenceEquals(assets[material].Albedo, placeholder), pixels[0], assets[material].Albedo.Width);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.boundAtFirstImage, Is.True);
            Assert.That(result.Placeholder, Is.False);
            Assert.That(result.Item3, Is.EqualTo(255), "the scripted backend's final image");
            Assert.That(result.Width, Is.EqualTo(32));
        });
    }
}
