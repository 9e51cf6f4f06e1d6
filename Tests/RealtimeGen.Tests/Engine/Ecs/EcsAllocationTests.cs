using NUnit.Framework;
using RealtimeGen.Engine.Ecs;

namespace RealtimeGen.Tests.Engine.Ecs;

/// <summary>
/// The ECS's allocation-free claims, measured: warm up, read <see cref="GC.GetAllocatedBytesForCurrentThread"/>,
/// run many iterations, and require zero bytes.
/// </summary>
public class EcsAllocationTests
{
    private const int Iterations = 200;
    private static readonly QueryDescription Moving = new QueryDescription().WithAll<Position, Velocity>();
    private static readonly ForEach<Position, Velocity> CachedIntegrate = Integrate;

    private World _world = null!;

    [SetUp]
    public void CreateWorld()
    {
        _world = new World();
        for (var i = 0; i < 10_000; i++)
        {
            _world.Create(new Position(i, 0, 0), new Velocity(1, 2, 3));
        }

        // A second matching archetype, so iteration crosses archetypes too.
        for (var i = 0; i < 1_000; i++)
        {
            _world.Create(new Position(i, 0, 0), new Velocity(1, 2, 3), new Health { Value = i });
        }
    }

    [Test]
    public void Struct_query_allocates_nothing()
    {
        var step = new IntegrateStep { Dt = 0.5f };

        var bytes = Measure(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                _world.InlineQuery<IntegrateStep, Position, Velocity>(in Moving, ref step);
            }
        });

        Assert.That(bytes, Is.Zero);
        Assert.That(_world.Get<Position>(FirstEntity()).Y, Is.GreaterThan(0), "the loop really ran");
    }

    [Test]
    public void Struct_entity_query_allocates_nothing()
    {
        var count = new CountEntities();

        var bytes = Measure(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                _world.InlineEntityQuery<CountEntities, Position>(in Moving, ref count);
            }
        });

        Assert.That(bytes, Is.Zero);
        Assert.That(count.Count, Is.GreaterThanOrEqualTo(11_000L * Iterations));
    }

    [Test]
    public void Lambda_query_with_a_static_lambda_allocates_nothing()
    {
        var bytes = Measure(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                _world.Query(in Moving, static (ref Position p, ref Velocity v) => p.X += v.X);
            }
        });

        Assert.That(bytes, Is.Zero);
    }

    [Test]
    public void Lambda_query_with_a_cached_delegate_allocates_nothing()
    {
        var bytes = Measure(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                _world.Query(in Moving, CachedIntegrate);
                _world.Query(in Moving, static (Entity e, ref Position p) => p.Z = e.Id);
            }
        });

        Assert.That(bytes, Is.Zero);
    }

    [Test]
    public void Chunk_iteration_allocates_nothing()
    {
        var bytes = Measure(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                foreach (ref readonly var chunk in _world.Query(in Moving))
                {
                    var positions = chunk.GetSpan<Position>();
                    var velocities = chunk.GetSpan<Velocity>();
                    for (var j = 0; j < positions.Length; j++)
                    {
                        positions[j].X += velocities[j].X;
                    }
                }
            }
        });

        Assert.That(bytes, Is.Zero);
    }

    [Test]
    public void Seen_archetype_moves_and_component_access_allocate_nothing()
    {
        var entity = FirstEntity();

        var bytes = Measure(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                _world.Add(entity, new Frozen());
                _world.Get<Position>(entity).X += 1;
                _world.Remove<Frozen>(entity);
                _world.Set(entity, new Velocity(i, 0, 0));
                _ = _world.Has<Health>(entity);
            }
        });

        Assert.That(bytes, Is.Zero);
    }

    [Test]
    public void Command_buffer_record_and_playback_allocate_nothing_once_grown()
    {
        var buffer = new CommandBuffer();
        var entity = FirstEntity();

        var bytes = Measure(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                var created = _world.Create(new Health { Value = i });
                buffer.Set(entity, new Velocity(i, i, i));
                buffer.Add(created, new Frozen());
                buffer.Destroy(created);
                var placeholder = buffer.Create();
                buffer.Add(placeholder, new Health { Value = i });
                buffer.Destroy(placeholder);
                buffer.Playback(_world);
            }
        });

        Assert.That(bytes, Is.Zero);
    }

    private static void Integrate(ref Position position, ref Velocity velocity) => position.X += velocity.X;

    /// <summary>Runs <paramref name="loop"/> once to warm up (JIT, caches, buffer growth), then returns the bytes a second run allocated.</summary>
    private static long Measure(Action loop)
    {
        loop();
        loop();
        var before = GC.GetAllocatedBytesForCurrentThread();
        loop();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private Entity FirstEntity()
    {
        var entities = new List<Entity>();
        _world.GetEntities(in Moving, entities);
        return entities[0];
    }

    private struct IntegrateStep : IForEach<Position, Velocity>
    {
        public float Dt;

        public readonly void Update(ref Position t0, ref Velocity t1)
        {
            t0.X += t1.X * Dt;
            t0.Y += t1.Y * Dt;
            t0.Z += t1.Z * Dt;
        }
    }

    private struct CountEntities : IForEachWithEntity<Position>
    {
        public long Count;

        public void Update(Entity entity, ref Position t0) => Count++;
    }
}
