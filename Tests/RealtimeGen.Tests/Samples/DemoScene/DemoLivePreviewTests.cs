using System.Text;
using NUnit.Framework;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Plugin;
using RealtimeGen.Plugin.Components;
using RealtimeGen.Plugin.Generation;
using RealtimeGen.Samples.DemoScene;
using RealtimeGen.Tests.Plugin;
using RealtimeGen.Tests.Support;

namespace RealtimeGen.Tests.Samples.DemoScene;

public class DemoLivePreviewTests
{
    [Test]
    public void Tab_typing_backspace_and_enter_edit_the_selected_objects_prompt_and_regenerate_it()
    {
        var result = FreshThread.Run(() =>
        {
            using var context = GraphicsContextFactory.Create(new GraphicsContextOptions { Mode = GraphicsContextMode.Headless, Width = 160, Height = 90 });
            var options = new TextureGenerationPluginOptions { Service = new() { WorkerPriority = WorkerPriority.Normal } };
            using var app = new DemoApp(context, DemoGeneration.Streamed, ShippedModel.Directory, pluginOptions: options);
            var loop = new FrameLoop(context, new FrameStats());
            app.RequestTexture(1, "green marble");
            loop.RunFrame(app);

            context.Input.Post(InputEvent.ForKey(InputEventKind.KeyDown, Key.Tab, KeyModifiers.None));
            for (int i = 0; i < "marble".Length; i++)
            {
                context.Input.Post(InputEvent.ForKey(InputEventKind.KeyDown, Key.Backspace, KeyModifiers.None));
            }

            foreach (Rune rune in "tiles".EnumerateRunes())
            {
                context.Input.Post(InputEvent.ForCharacter(rune));
            }

            loop.RunFrame(app);
            string whileTyping = context.Title;
            context.Input.Post(InputEvent.ForKey(InputEventKind.KeyDown, Key.Enter, KeyModifiers.None));
            var entity = app.ObjectEntity(1);
            long deadline = Environment.TickCount64 + 120_000;
            while (!(app.World.TryGet(entity, out GenerationProgress progress) && progress is { IsComplete: true, Version: 1 })
                && Environment.TickCount64 < deadline)
            {
                loop.RunFrame(app);
            }

            loop.RunFrame(app);
            return (whileTyping, Done: context.Title, Prompt: app.World.Get<TextureRequest>(entity).Prompt);
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.whileTyping, Does.Contain("[1] green sphere: green tiles_"));
            Assert.That(result.Prompt, Is.EqualTo("green tiles"), "Enter asked for the edited prompt");
            Assert.That(result.Done, Does.Contain("green tiles_ (done)"));
        });
    }
}
