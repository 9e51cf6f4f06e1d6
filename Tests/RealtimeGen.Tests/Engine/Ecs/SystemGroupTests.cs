using NUnit.Framework;
using RealtimeGen.Engine.Ecs;

namespace RealtimeGen.Tests.Engine.Ecs;

public class SystemGroupTests
{
    [Test]
    public void Systems_run_in_declared_order_and_groups_nest()
    {
        var log = new List<string>();
        var inner = new SystemGroup<float>("presentation", new Recorder("c", log), new Recorder("d", log));
        using var group = new SystemGroup<float>("frame", new Recorder("a", log));
        group.Add(new Recorder("b", log)).Add(inner);

        group.Update(0.5f);
        group.Update(0.25f);

        Assert.That(log, Is.EqualTo(new[]
        {
            "a@0.5", "b@0.5", "c@0.5", "d@0.5",
            "a@0.25", "b@0.25", "c@0.25", "d@0.25",
        }));
    }

    [Test]
    public void Dispose_disposes_owned_systems_last_first()
    {
        var log = new List<string>();
        var group = new SystemGroup<float>("frame", new Recorder("a", log), new Recorder("b", log));

        group.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(log, Is.EqualTo(new[] { "dispose b", "dispose a" }));
            Assert.That(group.Systems, Is.Empty);
        });
    }

    [Test]
    public void A_group_cannot_contain_itself()
    {
        using var group = new SystemGroup<float>("frame");

        Assert.Throws<ArgumentException>(() => group.Add(group));
    }

    [Test]
    public void Systems_move_entities_and_destroy_expired_ones_through_a_command_buffer()
    {
        var world = new World();
        var moving = world.Create(new Position(0, 0, 0), new Velocity(2, 0, 0), new Health { Value = 10 });
        var expiring = world.Create(new Position(0, 0, 0), new Velocity(1, 0, 0), new Health { Value = 1 });
        using var group = new SystemGroup<float>("simulation", new MovementSystem(world), new DecaySystem(world));

        group.Update(0.5f);
        group.Update(0.5f);

        Assert.Multiple(() =>
        {
            Assert.That(world.Get<Position>(moving).X, Is.EqualTo(2f));
            Assert.That(world.Get<Health>(moving).Value, Is.EqualTo(8));
            Assert.That(world.IsAlive(expiring), Is.False, "decayed to zero in the first frame");
        });
    }

    private sealed class Recorder(string name, List<string> log) : ISystem<float>, IDisposable
    {
        public void Update(in float state) => log.Add($"{name}@{state}");

        public void Dispose() => log.Add($"dispose {name}");
    }

    private sealed class MovementSystem(World world) : ISystem<float>
    {
        private readonly QueryDescription _moving = new QueryDescription().WithAll<Position, Velocity>();

        public void Update(in float state)
        {
            var step = new Step { Dt = state };
            world.InlineQuery<Step, Position, Velocity>(in _moving, ref step);
        }

        private struct Step : IForEach<Position, Velocity>
        {
            public float Dt;

            public readonly void Update(ref Position t0, ref Velocity t1) => t0.X += t1.X * Dt;
        }
    }

    private sealed class DecaySystem(World world) : ISystem<float>
    {
        private readonly QueryDescription _living = new QueryDescription().WithAll<Health>();
        private readonly CommandBuffer _buffer = new();

        public void Update(in float state)
        {
            world.Query(in _living, (Entity entity, ref Health health) =>
            {
                if (--health.Value <= 0)
                {
                    _buffer.Destroy(entity);
                }
            });
            _buffer.Playback(world);
        }
    }
}
