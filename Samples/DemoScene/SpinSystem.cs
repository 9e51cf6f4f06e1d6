using System.Numerics;
using RealtimeGen.Engine.Ecs;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Scene;

namespace RealtimeGen.Samples.DemoScene;

/// <summary>Advances every <see cref="Spin"/>ning <see cref="Transform"/> by the frame's delta time.</summary>
internal sealed class SpinSystem(World world) : ISystem<FrameTime>
{
    private readonly QueryDescription _spinning = new QueryDescription().WithAll<Transform, Spin>();

    public void Update(in FrameTime state)
    {
        var turn = new Turn((float)state.DeltaSeconds);
        world.InlineQuery<Turn, Transform, Spin>(in _spinning, ref turn);
    }

    private readonly struct Turn(float seconds) : IForEach<Transform, Spin>
    {
        public void Update(ref Transform transform, ref Spin spin)
        {
            var step = Quaternion.CreateFromAxisAngle(spin.Axis, spin.RadiansPerSecond * seconds);
            transform.Rotation = Quaternion.Normalize(step * transform.Rotation);
        }
    }
}
