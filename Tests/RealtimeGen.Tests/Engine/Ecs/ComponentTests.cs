using NUnit.Framework;
using RealtimeGen.Engine.Ecs;

namespace RealtimeGen.Tests.Engine.Ecs;

public class ComponentTests
{
    [Test]
    public void Ids_are_distinct_per_type_and_stable()
    {
        var ids = new[] { Component<Position>.Id, Component<Velocity>.Id, Component<Health>.Id, Component<Label>.Id };

        Assert.Multiple(() =>
        {
            Assert.That(ids, Is.Unique);
            Assert.That(Component<Position>.Id, Is.EqualTo(ids[0]));
            Assert.That(Component<Position>.ComponentType.Id, Is.EqualTo(ids[0]));
            Assert.That(Component<Position>.ComponentType.Type, Is.EqualTo(typeof(Position)));
        });
    }

    [Test]
    public void Storage_facts_follow_the_type()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Component<Position>.ComponentType.ByteSize, Is.EqualTo(12));
            Assert.That(Component<Position>.ComponentType.IsManaged, Is.False);
            Assert.That(Component<Frozen>.ComponentType.ByteSize, Is.EqualTo(1), "empty structs still take a byte");
            Assert.That(Component<Label>.ComponentType.IsManaged, Is.True);
            Assert.That(Component<Inventory>.ComponentType.IsManaged, Is.True);
            Assert.That(Component<Inventory>.ComponentType.ByteSize, Is.EqualTo(IntPtr.Size));
        });
    }
}
