using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Ecs;

namespace RealtimeGen.Tests.Engine.Ecs;

public class QueryTests
{
    private World _world = null!;
    private Entity _a;
    private Entity _ab;
    private Entity _abc;
    private Entity _c;
    private Entity _bFrozen;

    [SetUp]
    public void CreateWorld()
    {
        _world = new World();
        _a = _world.Create(new CompA { Value = 1 });
        _ab = _world.Create(new CompA { Value = 2 }, new CompB { Value = 20 });
        _abc = _world.Create(new CompA { Value = 3 }, new CompB { Value = 30 }, new CompC { Value = 300 });
        _c = _world.Create(new CompC { Value = 400 });
        _bFrozen = _world.Create(new CompB { Value = 50 }, new Frozen());
    }

    [Test]
    public void All_requires_every_type()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Matching(new QueryDescription().WithAll<CompA>()), Is.EquivalentTo(new[] { _a, _ab, _abc }));
            Assert.That(Matching(new QueryDescription().WithAll<CompA, CompB>()), Is.EquivalentTo(new[] { _ab, _abc }));
            Assert.That(Matching(new QueryDescription()), Has.Count.EqualTo(5), "no filter matches everything");
        });
    }

    [Test]
    public void Any_requires_at_least_one_type()
    {
        var matched = Matching(new QueryDescription().WithAny<CompC, Frozen>());

        Assert.That(matched, Is.EquivalentTo(new[] { _abc, _c, _bFrozen }));
    }

    [Test]
    public void None_excludes_entities_with_any_listed_type()
    {
        var matched = Matching(new QueryDescription().WithAll<CompB>().WithNone<CompC, Frozen>());

        Assert.That(matched, Is.EquivalentTo(new[] { _ab }));
    }

    [Test]
    public void All_any_and_none_combine()
    {
        var matched = Matching(new QueryDescription().WithAll<CompA>().WithAny<CompB, CompC>().WithNone<CompC>());

        Assert.That(matched, Is.EquivalentTo(new[] { _ab }));
    }

    [Test]
    public void Exclusive_matches_exactly_the_type_set()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Matching(new QueryDescription().WithExclusive<CompA, CompB>()), Is.EquivalentTo(new[] { _ab }));
            Assert.That(Matching(new QueryDescription().WithExclusive<CompA>()), Is.EquivalentTo(new[] { _a }));
        });
    }

    [Test]
    public void Span_forms_of_the_filters_match_like_the_generic_forms()
    {
        var generic = new QueryDescription().WithAll<CompA>().WithNone<CompC>();
        var spans = new QueryDescription()
            .WithAll(Component<CompA>.ComponentType)
            .WithNone(Component<CompC>.ComponentType);

        Assert.Multiple(() =>
        {
            Assert.That(spans, Is.EqualTo(generic));
            Assert.That(spans.GetHashCode(), Is.EqualTo(generic.GetHashCode()));
            Assert.That(_world.Query(in spans), Is.SameAs(_world.Query(in generic)), "equal descriptions share a query");
            Assert.That(Matching(spans), Is.EquivalentTo(new[] { _a, _ab }));
        });
    }

    [Test]
    public void WithAll_replaces_the_previous_all_filter_as_arch_does()
    {
        var description = new QueryDescription().WithAll<CompC>().WithAll<CompB>();

        Assert.Multiple(() =>
        {
            Assert.That(description.All.ToArray(), Is.EqualTo(new[] { Component<CompB>.ComponentType }));
            Assert.That(Matching(description), Is.EquivalentTo(new[] { _ab, _abc, _bFrozen }));
        });
    }

    [Test]
    public void A_cached_query_picks_up_archetypes_created_after_it()
    {
        var description = new QueryDescription().WithAll<CompA>().WithNone<Frozen>();
        var query = _world.Query(in description);
        Assert.That(query.CountEntities(), Is.EqualTo(3));

        var later = _world.Create(new CompA(), new Health());
        _world.Add(_c, new CompA { Value = 4 });
        _world.Add(_ab, new Frozen());

        Assert.Multiple(() =>
        {
            Assert.That(_world.Query(in description), Is.SameAs(query));
            Assert.That(Matching(description), Is.EquivalentTo(new[] { _a, _abc, later, _c }));
        });
    }

    [Test]
    public void Lambda_query_writes_through_references()
    {
        var description = new QueryDescription().WithAll<CompA, CompB>();

        _world.Query(in description, static (ref CompA a, ref CompB b) => a.Value += b.Value);

        Assert.Multiple(() =>
        {
            Assert.That(_world.Get<CompA>(_ab).Value, Is.EqualTo(22));
            Assert.That(_world.Get<CompA>(_abc).Value, Is.EqualTo(33));
            Assert.That(_world.Get<CompA>(_a).Value, Is.EqualTo(1), "not matched");
        });
    }

    [Test]
    public void Lambda_queries_of_every_arity_visit_the_same_entities()
    {
        var description = new QueryDescription().WithAll<CompA, CompB, CompC>();
        var sums = new int[4];

        _world.Query(in description, (ref CompA a) => sums[0] += a.Value);
        _world.Query(in description, (ref CompA a, ref CompB b) => sums[1] += a.Value + b.Value);
        _world.Query(in description, (ref CompA a, ref CompB b, ref CompC c) => sums[2] += a.Value + b.Value + c.Value);
        _world.Add(_abc, new Health { Value = 4000 });
        _world.Query(
            in description,
            (ref CompA a, ref CompB b, ref CompC c, ref Health h) => sums[3] += a.Value + b.Value + c.Value + h.Value);

        Assert.That(sums, Is.EqualTo(new[] { 3, 33, 333, 4333 }));
    }

    [Test]
    public void Entity_lambda_queries_hand_out_the_matching_entity()
    {
        var description = new QueryDescription().WithAll<CompB>();
        var seen = new Dictionary<Entity, int>();

        _world.Query(in description, (Entity entity, ref CompB b) => seen[entity] = b.Value);

        Assert.That(seen, Is.EquivalentTo(new Dictionary<Entity, int> { [_ab] = 20, [_abc] = 30, [_bFrozen] = 50 }));
    }

    [Test]
    public void Struct_queries_keep_their_state_and_see_every_entity()
    {
        var description = new QueryDescription().WithAll<CompA, CompB>();
        var sum = new SumAB();
        var entities = new CollectEntities { Seen = [] };

        _world.InlineQuery<SumAB, CompA, CompB>(in description, ref sum);
        _world.InlineEntityQuery<CollectEntities, CompA>(in description, ref entities);

        Assert.Multiple(() =>
        {
            Assert.That(sum.Total, Is.EqualTo(2 + 20 + 3 + 30));
            Assert.That(sum.Visited, Is.EqualTo(2));
            Assert.That(entities.Seen, Is.EquivalentTo(new[] { _ab, _abc }));
        });
    }

    [Test]
    public void Chunk_iteration_gives_columns_and_entities_in_the_same_order()
    {
        var world = new World(chunkByteBudget: 256);
        for (var i = 0; i < 100; i++)
        {
            var entity = world.Create(new Position(i, 0, 0), new Velocity(1, 0, 0));
            world.Get<Position>(entity).Y = entity.Id;
        }

        var visited = 0;
        var chunks = 0;
        foreach (ref readonly var chunk in world.Query(new QueryDescription().WithAll<Position, Velocity>()))
        {
            var positions = chunk.GetSpan<Position>();
            var velocities = chunk.GetSpan<Velocity>();
            var entities = chunk.Entities;
            for (var i = 0; i < chunk.Size; i++)
            {
                positions[i].X += velocities[i].X;
                Assert.That(positions[i].Y, Is.EqualTo(entities[i].Id));
            }

            Assert.That(chunk.Has<Velocity>(), Is.True);
            Assert.That(chunk.Has<Health>(), Is.False);
            visited += chunk.Size;
            chunks++;
        }

        var anyEntity = new List<Entity>();
        world.GetEntities(new QueryDescription().WithAll<Position>(), anyEntity);
        Assert.Multiple(() =>
        {
            Assert.That(visited, Is.EqualTo(100));
            Assert.That(chunks, Is.GreaterThan(1));
            Assert.That(anyEntity, Has.Count.EqualTo(100));
            Assert.That(world.Get<Position>(anyEntity[99]).X, Is.EqualTo(world.Get<Position>(anyEntity[99]).Y + 1));
        });
    }

    [Test]
    public void Chunk_column_of_a_missing_type_explains_the_fix()
    {
        RealtimeGenException? error = null;
        foreach (ref readonly var chunk in _world.Query(new QueryDescription().WithAll<CompA>()))
        {
            if (!chunk.Has<CompB>())
            {
                var copy = chunk;
                error = Assert.Throws<RealtimeGenException>(() => CopyColumn(copy));
            }
        }

        Assert.That(error?.Message, Does.Contain("WithAll<...>()"));
    }

    [Test]
    public void Asking_a_query_for_a_type_its_description_does_not_require_explains_the_fix()
    {
        var description = new QueryDescription().WithAll<CompA>();

        var error = Assert.Throws<RealtimeGenException>(
            () => _world.Query(in description, static (ref CompA a, ref CompB b) => a.Value = b.Value));

        Assert.That(error!.Message, Does.Contain("WithAll<CompB"));
    }

    [TestCase("Create")]
    [TestCase("Destroy")]
    [TestCase("Add")]
    [TestCase("Remove")]
    public void Structural_changes_during_a_lambda_query_throw_and_name_the_command_buffer(string operation)
    {
        var description = new QueryDescription().WithAll<CompA>();

        var error = Assert.Throws<RealtimeGenException>(() => _world.Query(in description, (Entity entity, ref CompA _) =>
        {
            switch (operation)
            {
                case "Create":
                    _world.Create(new CompA());
                    break;
                case "Destroy":
                    _world.Destroy(entity);
                    break;
                case "Add":
                    _world.Add(entity, new Health());
                    break;
                default:
                    _world.Remove<CompA>(entity);
                    break;
            }
        }));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("CommandBuffer"));
            Assert.That(error.Message, Does.Contain($"commandBuffer.{operation}"));
            Assert.That(_world.IsIterating, Is.False, "the guard is released when the callback throws");
            Assert.That(_world.Size, Is.EqualTo(5), "nothing was changed");
        });
        _world.Add(_a, new Health());
        Assert.That(_world.Has<Health>(_a), Is.True, "structural changes work again after the query");
    }

    [Test]
    public void Structural_changes_during_struct_and_chunk_queries_throw()
    {
        var description = new QueryDescription().WithAll<CompA>();
        var destroyer = new DestroyInQuery { World = _world };

        var inline = Assert.Throws<RealtimeGenException>(
            () => _world.InlineEntityQuery<DestroyInQuery, CompA>(in description, ref destroyer));
        var chunked = Assert.Throws<RealtimeGenException>(() =>
        {
            foreach (ref readonly var chunk in _world.Query(in description))
            {
                _world.Destroy(chunk.Entities[0]);
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(inline!.Message, Does.Contain("CommandBuffer"));
            Assert.That(chunked!.Message, Does.Contain("CommandBuffer"));
            Assert.That(_world.IsIterating, Is.False);
        });
    }

    [Test]
    public void Set_and_nested_queries_are_allowed_during_iteration()
    {
        var outer = new QueryDescription().WithAll<CompA>();
        var inner = new QueryDescription().WithAll<CompC>();

        _world.Query(in outer, (Entity entity, ref CompA a) =>
        {
            var count = 0;
            _world.Query(in inner, (ref CompC _) => count++);
            _world.Set(entity, new CompA { Value = a.Value * 10 + count });
        });

        Assert.Multiple(() =>
        {
            Assert.That(_world.Get<CompA>(_a).Value, Is.EqualTo(12));
            Assert.That(_world.Get<CompA>(_abc).Value, Is.EqualTo(32));
            Assert.That(_world.IsIterating, Is.False);
        });
    }

    [Test]
    public void Count_entities_follows_structural_changes()
    {
        var description = new QueryDescription().WithAll<CompB>();
        Assert.That(_world.CountEntities(in description), Is.EqualTo(3));

        _world.Destroy(_ab);
        _world.Remove<CompB>(_abc);

        Assert.That(_world.CountEntities(in description), Is.EqualTo(1));
    }

    private static void CopyColumn(Chunk chunk) => _ = chunk.GetSpan<CompB>().ToArray();

    private List<Entity> Matching(QueryDescription description)
    {
        var entities = new List<Entity>();
        _world.GetEntities(in description, entities);
        return entities;
    }

    private struct SumAB : IForEach<CompA, CompB>
    {
        public int Total;
        public int Visited;

        public void Update(ref CompA t0, ref CompB t1)
        {
            Total += t0.Value + t1.Value;
            Visited++;
        }
    }

    private struct CollectEntities : IForEachWithEntity<CompA>
    {
        public List<Entity> Seen;

        public readonly void Update(Entity entity, ref CompA t0) => Seen.Add(entity);
    }

    private struct DestroyInQuery : IForEachWithEntity<CompA>
    {
        public World World;

        public readonly void Update(Entity entity, ref CompA t0) => World.Destroy(entity);
    }
}
