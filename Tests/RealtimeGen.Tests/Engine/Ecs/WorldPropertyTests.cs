using CsCheck;
using NUnit.Framework;
using RealtimeGen.Engine;
using RealtimeGen.Engine.Ecs;

namespace RealtimeGen.Tests.Engine.Ecs;

/// <summary>
/// Random operation sequences run against a <see cref="World"/> and against a plain dictionary model; after every
/// operation the two must agree on liveness, component presence and values, and query results.
/// </summary>
public class WorldPropertyTests
{
    private const int ComponentKinds = 4;

    private static readonly Gen<Op> GenOp = Gen.Select(
        Gen.Int[0, 7], Gen.Int[0, 1000], Gen.Int[0, ComponentKinds - 1], Gen.Int[-1000, 1000],
        (kind, target, component, value) => new Op((OpKind)kind, target, component, value));

    [Test]
    public void Random_operation_sequences_match_a_dictionary_model() =>
        GenOp.Array[1, 120].Sample(Run, iter: 300, threads: 1, seed: null);

    private static void Run(Op[] ops)
    {
        // A small chunk budget (8+ entities per chunk) makes swaps between chunks common.
        var world = new World(chunkByteBudget: 256);
        var model = new Dictionary<Entity, Dictionary<int, int>>();
        var handles = new List<Entity>();
        var buffer = new CommandBuffer();
        for (var step = 0; step < ops.Length; step++)
        {
            Apply(world, model, handles, buffer, ops[step]);
            Verify(world, model, handles, step, ops[step]);
        }
    }

    private static void Apply(
        World world, Dictionary<Entity, Dictionary<int, int>> model, List<Entity> handles, CommandBuffer buffer, Op op)
    {
        if (op.Kind is OpKind.Create or OpKind.CreateGeneric || handles.Count == 0)
        {
            var created = op.Kind == OpKind.CreateGeneric
                ? world.Create(new CompA { Value = op.Value }, new CompB { Value = op.Value + 1 })
                : CreateFromMask(world, op.Target, op.Value);
            Assert.That(handles, Does.Not.Contain(created), "a new handle never equals an old one");
            handles.Add(created);
            model[created] = op.Kind == OpKind.CreateGeneric
                ? new Dictionary<int, int> { [0] = op.Value, [1] = op.Value + 1 }
                : MaskModel(op.Target, op.Value);
            return;
        }

        var entity = handles[op.Target % handles.Count];
        var alive = model.TryGetValue(entity, out var components);
        var has = alive && components!.ContainsKey(op.Component);
        switch (op.Kind)
        {
            case OpKind.Destroy:
                Expect(alive, () => world.Destroy(entity));
                model.Remove(entity);
                break;
            case OpKind.Add:
                Expect(alive && !has, () => AddKind(world, entity, op.Component, op.Value));
                if (alive && !has)
                {
                    components![op.Component] = op.Value;
                }

                break;
            case OpKind.Remove:
                Expect(alive && has, () => RemoveKind(world, entity, op.Component));
                if (alive && has)
                {
                    components!.Remove(op.Component);
                }

                break;
            case OpKind.Set:
                Expect(alive && has, () => SetKind(world, entity, op.Component, op.Value));
                if (alive && has)
                {
                    components![op.Component] = op.Value;
                }

                break;
            case OpKind.QueryIncrement:
                // Every entity with A and without C gains op.Value on A, through the lambda form.
                var delta = op.Value;
                world.Query(new QueryDescription().WithAll<CompA>().WithNone<CompC>(), (ref CompA a) => a.Value += delta);
                foreach (var entry in model.Values)
                {
                    if (entry.ContainsKey(0) && !entry.ContainsKey(2))
                    {
                        entry[0] += delta;
                    }
                }

                break;
            case OpKind.BufferedRemoveAndCreate:
                // During a query over B: remove B from each, create a C-entity per removal, destroy the target.
                world.Query(new QueryDescription().WithAll<CompB>(), (Entity e, ref CompB b) =>
                {
                    buffer.Remove<CompB>(e);
                    var placeholder = buffer.Create();
                    buffer.Add(placeholder, new CompC { Value = b.Value });
                });
                buffer.Destroy(entity);
                var bValues = new List<int>();
                foreach (var entry in model.Values)
                {
                    if (entry.Remove(1, out var bValue))
                    {
                        bValues.Add(bValue);
                    }
                }

                var before = new HashSet<Entity>(handles);
                buffer.Playback(world);
                model.Remove(entity);
                AdoptNewEntities(world, model, handles, before, bValues);
                break;
            default:
                throw new InvalidOperationException($"unknown op {op.Kind}");
        }
    }

    /// <summary>Finds the entities the buffer created (handles the test has not seen) and adds them to the model.</summary>
    private static void AdoptNewEntities(
        World world,
        Dictionary<Entity, Dictionary<int, int>> model,
        List<Entity> handles,
        HashSet<Entity> before,
        List<int> expectedCValues)
    {
        var all = new List<Entity>();
        world.GetEntities(new QueryDescription(), all);
        var createdValues = new List<int>();
        foreach (var entity in all)
        {
            if (!before.Contains(entity))
            {
                handles.Add(entity);
                var value = world.Get<CompC>(entity).Value;
                createdValues.Add(value);
                model[entity] = new Dictionary<int, int> { [2] = value };
            }
        }

        Assert.That(createdValues, Is.EquivalentTo(expectedCValues), "one C-entity per removed B, carrying its value");
    }

    private static void Verify(
        World world, Dictionary<Entity, Dictionary<int, int>> model, List<Entity> handles, int step, Op op)
    {
        var context = $"after step {step} ({op})";
        Assert.That(world.Size, Is.EqualTo(model.Count), context);
        foreach (var handle in handles)
        {
            var alive = model.TryGetValue(handle, out var components);
            Assert.That(world.IsAlive(handle), Is.EqualTo(alive), $"{handle} liveness {context}");
            if (!alive)
            {
                continue;
            }

            for (var kind = 0; kind < ComponentKinds; kind++)
            {
                var expected = components!.TryGetValue(kind, out var value) ? value : (int?)null;
                Assert.That(Read(world, handle, kind), Is.EqualTo(expected), $"{handle} component {kind} {context}");
            }
        }

        var withAB = 0;
        var anyCLabel = 0;
        var noA = 0;
        var sumA = 0;
        foreach (var components in model.Values)
        {
            withAB += components.ContainsKey(0) && components.ContainsKey(1) ? 1 : 0;
            anyCLabel += components.ContainsKey(2) || components.ContainsKey(3) ? 1 : 0;
            noA += components.ContainsKey(0) ? 0 : 1;
            sumA += components.TryGetValue(0, out var a) ? a : 0;
        }

        var worldSumA = new SumA();
        world.InlineQuery<SumA, CompA>(new QueryDescription().WithAll<CompA>(), ref worldSumA);
        Assert.Multiple(() =>
        {
            Assert.That(world.CountEntities(new QueryDescription().WithAll<CompA, CompB>()), Is.EqualTo(withAB), context);
            Assert.That(world.CountEntities(new QueryDescription().WithAny<CompC, Label>()), Is.EqualTo(anyCLabel), context);
            Assert.That(world.CountEntities(new QueryDescription().WithNone<CompA>()), Is.EqualTo(noA), context);
            Assert.That(worldSumA.Total, Is.EqualTo(sumA), context);
        });
    }

    private static void Expect(bool valid, Action action)
    {
        if (valid)
        {
            action();
        }
        else
        {
            Assert.Throws<RealtimeGenException>(() => action());
        }
    }

    private static Entity CreateFromMask(World world, int mask, int value)
    {
        var types = new List<ComponentType>();
        if ((mask & 1) != 0)
        {
            types.Add(Component<CompA>.ComponentType);
        }

        if ((mask & 2) != 0)
        {
            types.Add(Component<CompB>.ComponentType);
        }

        if ((mask & 4) != 0)
        {
            types.Add(Component<CompC>.ComponentType);
        }

        if ((mask & 8) != 0)
        {
            types.Add(Component<Label>.ComponentType);
        }

        var entity = world.Create(types.ToArray());
        foreach (var kind in MaskModel(mask, value).Keys)
        {
            SetKind(world, entity, kind, value);
        }

        return entity;
    }

    private static Dictionary<int, int> MaskModel(int mask, int value)
    {
        var components = new Dictionary<int, int>();
        for (var kind = 0; kind < ComponentKinds; kind++)
        {
            if ((mask & (1 << kind)) != 0)
            {
                components[kind] = value;
            }
        }

        return components;
    }

    private static void AddKind(World world, Entity entity, int kind, int value)
    {
        switch (kind)
        {
            case 0: world.Add(entity, new CompA { Value = value }); break;
            case 1: world.Add(entity, new CompB { Value = value }); break;
            case 2: world.Add(entity, new CompC { Value = value }); break;
            default: world.Add(entity, new Label { Text = value.ToString() }); break;
        }
    }

    private static void RemoveKind(World world, Entity entity, int kind)
    {
        switch (kind)
        {
            case 0: world.Remove<CompA>(entity); break;
            case 1: world.Remove<CompB>(entity); break;
            case 2: world.Remove<CompC>(entity); break;
            default: world.Remove<Label>(entity); break;
        }
    }

    private static void SetKind(World world, Entity entity, int kind, int value)
    {
        switch (kind)
        {
            case 0: world.Set(entity, new CompA { Value = value }); break;
            case 1: world.Set(entity, new CompB { Value = value }); break;
            case 2: world.Set(entity, new CompC { Value = value }); break;
            default: world.Set(entity, new Label { Text = value.ToString() }); break;
        }
    }

    private static int? Read(World world, Entity entity, int kind) => kind switch
    {
        0 => world.TryGet<CompA>(entity, out var a) ? a.Value : null,
        1 => world.TryGet<CompB>(entity, out var b) ? b.Value : null,
        2 => world.TryGet<CompC>(entity, out var c) ? c.Value : null,
        _ => world.TryGet<Label>(entity, out var label) ? int.Parse(label.Text!) : null,
    };

    private enum OpKind
    {
        Create,
        CreateGeneric,
        Destroy,
        Add,
        Remove,
        Set,
        QueryIncrement,
        BufferedRemoveAndCreate,
    }

    private readonly record struct Op(OpKind Kind, int Target, int Component, int Value);

    private struct SumA : IForEach<CompA>
    {
        public int Total;

        public void Update(ref CompA t0) => Total += t0.Value;
    }
}
