using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Ecs;

namespace RealtimeGen.Tests.Engine.Ecs;

public class CommandBufferTests
{
    [Test]
    public void Changes_recorded_during_a_query_apply_at_playback_in_order()
    {
        var world = new World();
        var dying = world.Create(new Health { Value = 0 });
        var healthy = world.Create(new Health { Value = 5 });
        var buffer = new CommandBuffer();
        var description = new QueryDescription().WithAll<Health>();

        world.Query(in description, (Entity entity, ref Health health) =>
        {
            if (health.Value <= 0)
            {
                buffer.Destroy(entity);
            }
            else
            {
                buffer.Add(entity, new Label { Text = "alive" });
                buffer.Set(entity, new Health { Value = health.Value * 2 });
            }
        });
        var recorded = buffer.Count;
        var aliveBeforePlayback = world.IsAlive(dying);
        buffer.Playback(world);

        Assert.Multiple(() =>
        {
            Assert.That(recorded, Is.EqualTo(3));
            Assert.That(aliveBeforePlayback, Is.True, "nothing applies before playback");
            Assert.That(world.IsAlive(dying), Is.False);
            Assert.That(world.Get<Label>(healthy).Text, Is.EqualTo("alive"));
            Assert.That(world.Get<Health>(healthy).Value, Is.EqualTo(10));
            Assert.That(buffer.Count, Is.Zero, "playback clears the buffer");
        });
    }

    [Test]
    public void Placeholders_from_create_resolve_at_playback()
    {
        var world = new World();
        var buffer = new CommandBuffer();

        var placeholder = buffer.Create(Component<Position>.ComponentType);
        buffer.Set(placeholder, new Position(1, 2, 3));
        buffer.Add(placeholder, new Velocity(4, 5, 6));
        var bare = buffer.Create();
        buffer.Add(bare, new Health { Value = 9 });
        var created = buffer.Create();
        buffer.Destroy(created);
        buffer.Playback(world);

        var positioned = new List<Entity>();
        world.GetEntities(new QueryDescription().WithAll<Position, Velocity>(), positioned);
        var healthy = new List<Entity>();
        world.GetEntities(new QueryDescription().WithAll<Health>(), healthy);
        Assert.Multiple(() =>
        {
            Assert.That(placeholder.Id, Is.Negative, "placeholders are not world handles");
            Assert.That(world.IsAlive(placeholder), Is.False);
            Assert.That(world.Size, Is.EqualTo(2), "the third created entity was destroyed again");
            Assert.That(positioned, Has.Count.EqualTo(1));
            Assert.That(world.Get<Position>(positioned[0]).Z, Is.EqualTo(3));
            Assert.That(world.Get<Velocity>(positioned[0]).X, Is.EqualTo(4));
            Assert.That(world.Get<Health>(healthy[0]).Value, Is.EqualTo(9));
        });
    }

    [Test]
    public void Remove_recorded_on_the_buffer_keeps_the_other_components()
    {
        var world = new World();
        var entity = world.Create(new Position(1, 1, 1), new Frozen(), new Health { Value = 3 });
        var buffer = new CommandBuffer();

        world.Query(new QueryDescription().WithAll<Frozen>(), (Entity e, ref Frozen _) => buffer.Remove<Frozen>(e));
        buffer.Playback(world);

        Assert.Multiple(() =>
        {
            Assert.That(world.Has<Frozen>(entity), Is.False);
            Assert.That(world.Get<Health>(entity).Value, Is.EqualTo(3));
            Assert.That(world.Get<Position>(entity).X, Is.EqualTo(1));
        });
    }

    [Test]
    public void Destroying_an_entity_twice_is_skipped_but_other_commands_on_dead_entities_throw()
    {
        var world = new World();
        var entity = world.Create(new Health());
        var buffer = new CommandBuffer();
        buffer.Destroy(entity);
        buffer.Destroy(entity);
        buffer.Playback(world);
        Assert.That(world.IsAlive(entity), Is.False);

        buffer.Set(entity, new Health { Value = 1 });
        var error = Assert.Throws<RealtimeGenException>(() => buffer.Playback(world));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("not alive"));
            Assert.That(buffer.Count, Is.Zero, "a failed playback still clears the buffer");
        });
    }

    [Test]
    public void Playback_during_a_query_is_refused()
    {
        var world = new World();
        world.Create(new Health());
        var buffer = new CommandBuffer();
        buffer.Create();

        var error = Assert.Throws<RealtimeGenException>(() =>
            world.Query(new QueryDescription().WithAll<Health>(), (ref Health _) => buffer.Playback(world)));

        Assert.That(error!.Message, Does.Contain("after the query"));
    }

    [Test]
    public void Placeholders_do_not_survive_playback()
    {
        var world = new World();
        var buffer = new CommandBuffer();
        var placeholder = buffer.Create();
        buffer.Playback(world);

        buffer.Add(placeholder, new Health());
        var error = Assert.Throws<RealtimeGenException>(() => buffer.Playback(world));

        Assert.That(error!.Message, Does.Contain("placeholder"));
    }

    [Test]
    public void Clear_drops_recorded_commands()
    {
        var world = new World();
        var entity = world.Create(new Health { Value = 1 });
        var buffer = new CommandBuffer();
        buffer.Destroy(entity);
        buffer.Set(entity, new Health { Value = 2 });

        buffer.Clear();
        buffer.Playback(world);

        Assert.Multiple(() =>
        {
            Assert.That(world.IsAlive(entity), Is.True);
            Assert.That(world.Get<Health>(entity).Value, Is.EqualTo(1));
        });
    }
}
