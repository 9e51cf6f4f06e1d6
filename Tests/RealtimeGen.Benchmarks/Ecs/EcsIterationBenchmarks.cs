using BenchmarkDotNet.Attributes;
using RealtimeGen.Engine.Ecs;

namespace RealtimeGen.Benchmarks.Ecs;

/// <summary>
/// One million entities with <see cref="Position"/> and <see cref="Velocity"/>; each benchmark integrates the
/// position and damps the velocity of every entity once. <c>OperationsPerInvoke</c> is the entity count, so the
/// reported mean is nanoseconds per entity and the allocation column is bytes per entity.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class EcsIterationBenchmarks
{
    private const int EntityCount = 1_000_000;
    private const float Dt = 1f / 60f;
    private const float Damping = 0.999f;

    private static readonly QueryDescription Moving = new QueryDescription().WithAll<Position, Velocity>();

    private World _world = null!;
    private Position[] _plainPositions = null!;
    private Velocity[] _plainVelocities = null!;

    [GlobalSetup]
    public void Setup()
    {
        _world = new World();
        _plainPositions = new Position[EntityCount];
        _plainVelocities = new Velocity[EntityCount];
        for (var i = 0; i < EntityCount; i++)
        {
            var velocity = new Velocity { X = i % 7, Y = 1, Z = -(i % 3) };
            _world.Create(new Position { X = i }, velocity);
            _plainPositions[i] = new Position { X = i };
            _plainVelocities[i] = velocity;
        }
    }

    /// <summary>Reference point: the same update over two plain arrays, no ECS.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = EntityCount)]
    public void PlainArrays()
    {
        var positions = _plainPositions;
        var velocities = _plainVelocities;
        for (var i = 0; i < positions.Length; i++)
        {
            Integrate(ref positions[i], ref velocities[i]);
        }
    }

    /// <summary>Struct callback: <c>world.InlineQuery&lt;TForEach, Position, Velocity&gt;</c>.</summary>
    [Benchmark(OperationsPerInvoke = EntityCount)]
    public void StructQuery()
    {
        var step = new IntegrateStep();
        _world.InlineQuery<IntegrateStep, Position, Velocity>(in Moving, ref step);
    }

    /// <summary>Chunk loop: spans fetched once per chunk.</summary>
    [Benchmark(OperationsPerInvoke = EntityCount)]
    public void ChunkQuery()
    {
        foreach (ref readonly var chunk in _world.Query(in Moving))
        {
            var positions = chunk.GetSpan<Position>();
            var velocities = chunk.GetSpan<Velocity>();
            for (var i = 0; i < positions.Length; i++)
            {
                Integrate(ref positions[i], ref velocities[i]);
            }
        }
    }

    /// <summary>Delegate per entity: <c>world.Query(in description, static (ref Position p, ref Velocity v) => ...)</c>.</summary>
    [Benchmark(OperationsPerInvoke = EntityCount)]
    public void LambdaQuery() =>
        _world.Query(in Moving, static (ref Position position, ref Velocity velocity) => Integrate(ref position, ref velocity));

    private static void Integrate(ref Position position, ref Velocity velocity)
    {
        position.X += velocity.X * Dt;
        position.Y += velocity.Y * Dt;
        position.Z += velocity.Z * Dt;
        velocity.X *= Damping;
        velocity.Y *= Damping;
        velocity.Z *= Damping;
    }

    private struct IntegrateStep : IForEach<Position, Velocity>
    {
        public readonly void Update(ref Position t0, ref Velocity t1) => Integrate(ref t0, ref t1);
    }
}
