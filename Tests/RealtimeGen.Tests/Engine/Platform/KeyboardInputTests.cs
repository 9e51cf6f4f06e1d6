using System.Text;
using NUnit.Framework;
using RealtimeGen.Engine.Platform;

namespace RealtimeGen.Tests.Engine.Platform;

public class KeyboardInputTests
{
    [Test]
    public void Events_are_read_in_posting_order_and_key_state_follows_them()
    {
        var input = new KeyboardInput(8);
        input.Post(InputEvent.ForKey(InputEventKind.KeyDown, Key.W, KeyModifiers.Shift));
        input.Post(InputEvent.ForCharacter(new Rune('W')));
        Assert.That(input.IsKeyDown(Key.W), Is.True);
        input.Post(InputEvent.ForKey(InputEventKind.KeyUp, Key.W, KeyModifiers.None));

        var read = new List<InputEvent>();
        while (input.TryRead(out InputEvent inputEvent))
        {
            read.Add(inputEvent);
        }

        Assert.That(read, Is.EqualTo(new[]
        {
            new InputEvent(InputEventKind.KeyDown, Key.W, KeyModifiers.Shift, default),
            new InputEvent(InputEventKind.Character, Key.None, KeyModifiers.None, new Rune('W')),
            new InputEvent(InputEventKind.KeyUp, Key.W, KeyModifiers.None, default),
        }));
        Assert.That(input.IsKeyDown(Key.W), Is.False);
    }

    [Test]
    public void A_full_ring_drops_the_newest_events_and_counts_them()
    {
        var input = new KeyboardInput(3);
        for (int i = 0; i < 5; i++)
        {
            input.Post(InputEvent.ForCharacter(new Rune('a' + i)));
        }

        var text = new StringBuilder();
        while (input.TryRead(out InputEvent inputEvent))
        {
            text.Append(inputEvent.Character.ToString());
        }

        Assert.That(text.ToString(), Is.EqualTo("abc"));
        Assert.That(input.DroppedCount, Is.EqualTo(2));
    }

    [Test]
    public void Wrapping_around_keeps_order()
    {
        var input = new KeyboardInput(2);
        var text = new StringBuilder();
        for (int i = 0; i < 7; i++)
        {
            input.Post(InputEvent.ForCharacter(new Rune('a' + i)));
            Assert.That(input.TryRead(out InputEvent inputEvent), Is.True);
            text.Append(inputEvent.Character.ToString());
        }

        Assert.That(text.ToString(), Is.EqualTo("abcdefg"));
        Assert.That(input.TryRead(out _), Is.False);
    }

    [Test]
    public void Posting_and_reading_allocate_nothing()
    {
        var input = new KeyboardInput();
        InputEvent down = InputEvent.ForKey(InputEventKind.KeyDown, Key.Space, KeyModifiers.None);
        for (int i = 0; i < 100; i++)
        {
            input.Post(down);
            input.TryRead(out _);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            input.Post(down);
            input.Post(InputEvent.ForCharacter(new Rune(' ')));
            input.TryRead(out _);
            input.TryRead(out _);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Key_codes_outside_the_state_table_are_queued_but_not_tracked()
    {
        var input = new KeyboardInput();
        input.Post(InputEvent.ForKey(InputEventKind.KeyDown, Key.Unknown, KeyModifiers.None));

        Assert.That(input.IsKeyDown(Key.Unknown), Is.False);
        Assert.That(input.Count, Is.EqualTo(1));
    }
}
