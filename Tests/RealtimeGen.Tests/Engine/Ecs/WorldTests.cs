using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Ecs;

namespace RealtimeGen.Tests.Engine.Ecs;

public class WorldTests
{
    [Test]
    public void Create_stores_the_given_values()
    {
        var world = new World();

        var entity = world.Create(new Position(1, 2, 3), new Velocity(4, 5, 6));

        Assert.Multiple(() =>
        {
            Assert.That(world.IsAlive(entity), Is.True);
            Assert.That(world.Size, Is.EqualTo(1));
            Assert.That(world.Get<Position>(entity).Y, Is.EqualTo(2));
            Assert.That(world.Get<Velocity>(entity).Z, Is.EqualTo(6));
            Assert.That(world.Has<Health>(entity), Is.False);
            Assert.That(world.GetComponentTypes(entity).ToArray(), Is.EquivalentTo(new[]
            {
                Component<Position>.ComponentType, Component<Velocity>.ComponentType,
            }));
        });
    }

    [Test]
    public void Get_returns_a_writable_reference_and_Set_overwrites()
    {
        var world = new World();
        var entity = world.Create(new Health { Value = 10 });

        world.Get<Health>(entity).Value -= 3;
        var afterRef = world.Get<Health>(entity).Value;
        world.Set(entity, new Health { Value = 42 });

        Assert.Multiple(() =>
        {
            Assert.That(afterRef, Is.EqualTo(7));
            Assert.That(world.TryGet<Health>(entity, out var health), Is.True);
            Assert.That(health.Value, Is.EqualTo(42));
            Assert.That(world.TryGet<Position>(entity, out _), Is.False);
        });
    }

    [Test]
    public void Untyped_create_gives_default_values_even_in_reused_slots()
    {
        var world = new World();
        var first = world.Create(new Health { Value = 99 });
        world.Destroy(first);

        var second = world.Create(Component<Health>.ComponentType, Component<Health>.ComponentType);

        Assert.Multiple(() =>
        {
            Assert.That(world.Get<Health>(second).Value, Is.Zero);
            Assert.That(world.GetComponentTypes(second).Length, Is.EqualTo(1), "a type listed twice is one column");
        });
    }

    [Test]
    public void Generic_create_refuses_a_type_listed_twice()
    {
        var world = new World();

        var error = Assert.Throws<RealtimeGenException>(() => world.Create(new Health(), new Health()));

        Assert.That(error!.Message, Does.Contain("Health, Health"));
    }

    [Test]
    public void Add_and_remove_move_archetypes_and_keep_the_other_values()
    {
        var world = new World();
        var entity = world.Create(new Position(1, 2, 3), new Label { Text = "crate" });

        world.Add(entity, new Velocity(7, 8, 9));
        var afterAdd = (world.Get<Position>(entity), world.Get<Velocity>(entity), world.Get<Label>(entity).Text);
        world.Remove<Position>(entity);

        Assert.Multiple(() =>
        {
            Assert.That(afterAdd.Item1.Z, Is.EqualTo(3));
            Assert.That(afterAdd.Item2.X, Is.EqualTo(7));
            Assert.That(afterAdd.Text, Is.EqualTo("crate"));
            Assert.That(world.Has<Position>(entity), Is.False);
            Assert.That(world.Get<Velocity>(entity).Y, Is.EqualTo(8));
            Assert.That(world.Get<Label>(entity).Text, Is.EqualTo("crate"));
        });
    }

    [Test]
    public void Moving_an_entity_out_of_a_full_chunk_keeps_every_neighbour_intact()
    {
        // Small chunks so the moved entities come from the middle of several chunks and the archetype's last
        // entity is swapped into each hole.
        var world = new World(chunkByteBudget: 256);
        var entities = new Entity[100];
        for (var i = 0; i < entities.Length; i++)
        {
            entities[i] = world.Create(new Position(i, i * 2, i * 3), new Health { Value = i });
        }

        for (var i = 0; i < entities.Length; i += 3)
        {
            world.Add(entities[i], new Velocity(-i, 0, 0));
        }

        for (var i = 0; i < entities.Length; i += 5)
        {
            world.Remove<Health>(entities[i]);
        }

        for (var i = 0; i < entities.Length; i++)
        {
            var entity = entities[i];
            Assert.That(world.Get<Position>(entity).Y, Is.EqualTo(i * 2), $"position of entity {i}");
            Assert.That(world.Has<Velocity>(entity), Is.EqualTo(i % 3 == 0), $"velocity presence of entity {i}");
            if (i % 3 == 0)
            {
                Assert.That(world.Get<Velocity>(entity).X, Is.EqualTo(-i), $"velocity of entity {i}");
            }

            Assert.That(world.TryGet<Health>(entity, out var health), Is.EqualTo(i % 5 != 0), $"health presence of {i}");
            if (i % 5 != 0)
            {
                Assert.That(health.Value, Is.EqualTo(i), $"health of entity {i}");
            }
        }
    }

    [Test]
    public void Add_of_a_present_type_and_remove_or_get_of_a_missing_type_explain_the_fix()
    {
        var world = new World();
        var entity = world.Create(new Health { Value = 1 });

        var add = Assert.Throws<RealtimeGenException>(() => world.Add(entity, new Health()));
        var remove = Assert.Throws<RealtimeGenException>(() => world.Remove<Position>(entity));
        var get = Assert.Throws<RealtimeGenException>(() => world.Get<Position>(entity));
        var set = Assert.Throws<RealtimeGenException>(() => world.Set(entity, new Position()));

        Assert.Multiple(() =>
        {
            Assert.That(add!.Message, Does.Contain("Set<Health>"));
            Assert.That(remove!.Message, Does.Contain("Has<Position>"));
            Assert.That(get!.Message, Does.Contain("[Health]"));
            Assert.That(set!.Message, Does.Contain("Add<Position>"));
            Assert.That(world.Get<Health>(entity).Value, Is.EqualTo(1), "failed calls change nothing");
        });
    }

    [Test]
    public void Destroyed_handles_are_stale_even_after_their_id_is_reused()
    {
        var world = new World();
        var old = world.Create(new Health { Value = 1 });
        world.Destroy(old);

        var reused = world.Create(new Health { Value = 2 });

        Assert.Multiple(() =>
        {
            Assert.That(reused.Id, Is.EqualTo(old.Id), "ids are recycled");
            Assert.That(reused.Version, Is.EqualTo(old.Version + 1));
            Assert.That(reused, Is.Not.EqualTo(old));
            Assert.That(world.IsAlive(old), Is.False);
            Assert.That(world.IsAlive(reused), Is.True);
            Assert.That(world.Size, Is.EqualTo(1));
            var error = Assert.Throws<RealtimeGenException>(() => world.Get<Health>(old));
            Assert.That(error!.Message, Does.Contain("IsAlive"));
            Assert.Throws<RealtimeGenException>(() => world.Destroy(old));
            Assert.Throws<RealtimeGenException>(() => world.Add(old, new Position()));
            Assert.Throws<RealtimeGenException>(() => world.Has<Health>(old));
            Assert.That(world.Get<Health>(reused).Value, Is.EqualTo(2));
        });
    }

    [Test]
    public void Null_and_foreign_handles_are_never_alive()
    {
        var world = new World();
        world.Create();
        var other = new World();
        var foreign = other.Create();
        other.Create();
        var beyond = other.Create();

        Assert.Multiple(() =>
        {
            Assert.That(world.IsAlive(Entity.Null), Is.False);
            Assert.That(world.IsAlive(default), Is.False);
            Assert.That(world.IsAlive(beyond), Is.False, "an id this world never handed out");
            Assert.That(world.IsAlive(foreign), Is.True, "handles do not record their world; same id and version match");
        });
    }

    [Test]
    public void Destroy_swaps_the_last_entity_into_the_hole()
    {
        var world = new World(chunkByteBudget: 256);
        var entities = new Entity[40];
        for (var i = 0; i < entities.Length; i++)
        {
            entities[i] = world.Create(new Health { Value = i });
        }

        for (var i = 0; i < entities.Length; i += 2)
        {
            world.Destroy(entities[i]);
        }

        Assert.That(world.Size, Is.EqualTo(20));
        for (var i = 1; i < entities.Length; i += 2)
        {
            Assert.That(world.Get<Health>(entities[i]).Value, Is.EqualTo(i));
        }
    }

    [Test]
    public void Chunk_capacity_follows_the_byte_budget()
    {
        // Position (12 B) + Velocity (12 B) + the entity handle (8 B) = 32 B per entity: 1024 B hold 32 entities.
        var world = new World(chunkByteBudget: 1024);
        for (var i = 0; i < 100; i++)
        {
            world.Create(new Position(i, 0, 0), new Velocity());
        }

        var sizes = new List<int>();
        var capacities = new HashSet<int>();
        foreach (ref readonly var chunk in world.Query(new QueryDescription().WithAll<Position, Velocity>()))
        {
            sizes.Add(chunk.Size);
            capacities.Add(chunk.Capacity);
        }

        Assert.Multiple(() =>
        {
            Assert.That(sizes, Is.EqualTo(new[] { 32, 32, 32, 4 }));
            Assert.That(capacities, Is.EquivalentTo(new[] { 32 }));
        });
    }

    [Test]
    public void Managed_components_move_with_their_entity()
    {
        var world = new World();
        var inventory = new Inventory();
        inventory.Items.Add("sword");
        var entity = world.Create(inventory);

        world.Add(entity, new Label { Text = "hero" });
        world.Add(entity, new Health { Value = 5 });
        world.Remove<Label>(entity);

        Assert.Multiple(() =>
        {
            Assert.That(world.Get<Inventory>(entity), Is.SameAs(inventory));
            Assert.That(world.Get<Health>(entity).Value, Is.EqualTo(5));
            Assert.That(world.Has<Label>(entity), Is.False);
        });
    }

    [Test]
    public void Archetypes_are_shared_by_entities_with_the_same_types_in_any_order()
    {
        var world = new World();
        var before = world.ArchetypeCount;

        var a = world.Create(new Position(), new Velocity());
        var b = world.Create(new Velocity(), new Position());
        var c = world.Create(new Position());
        world.Add(c, new Velocity());

        Assert.Multiple(() =>
        {
            Assert.That(world.ArchetypeCount - before, Is.EqualTo(2), "{Position, Velocity} and {Position}");
            Assert.That(world.GetComponentTypes(a).ToArray(), Is.EqualTo(world.GetComponentTypes(b).ToArray()));
            Assert.That(world.GetComponentTypes(c).ToArray(), Is.EqualTo(world.GetComponentTypes(a).ToArray()));
        });
    }

    [Test]
    public void TrimExcess_keeps_live_entities()
    {
        var world = new World(chunkByteBudget: 256);
        var entities = new List<Entity>();
        for (var i = 0; i < 200; i++)
        {
            entities.Add(world.Create(new Health { Value = i }));
        }

        for (var i = 10; i < 200; i++)
        {
            world.Destroy(entities[i]);
        }

        world.TrimExcess();
        var created = world.Create(new Health { Value = 1000 });

        Assert.Multiple(() =>
        {
            Assert.That(world.Size, Is.EqualTo(11));
            Assert.That(world.Get<Health>(entities[9]).Value, Is.EqualTo(9));
            Assert.That(world.Get<Health>(created).Value, Is.EqualTo(1000));
        });
    }

    [Test]
    public void Chunk_byte_budget_below_the_minimum_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new World(chunkByteBudget: 16));
}
