using NUnit.Framework;
using RealtimeGen.Engine.Frames;
using RealtimeGen.Engine.Platform;
using RealtimeGen.Tests.Support;
using Silk.NET.OpenGL;

namespace RealtimeGen.Tests.Engine.Frames;

public class FrameLoopTests
{
    [Test]
    public void Phases_run_in_fixed_order_every_frame()
    {
        var phases = GlTestHost.Run(context =>
        {
            var recorder = new PhaseRecorder(context, capacity: 64);
            var loop = new FrameLoop(context, new FrameStats(capacity: 16));
            loop.Run(recorder, maxFrames: 3);
            return recorder.Recorded();
        });

        Assert.That(phases, Is.EqualTo(new[]
        {
            "input0", "update0", "upload0", "render0",
            "input1", "update1", "upload1", "render1",
            "input2", "update2", "upload2", "render2",
        }));
    }

    [Test]
    public void Frame_times_advance_and_are_recorded()
    {
        var (count, deltas, firstDelta) = GlTestHost.Run(context =>
        {
            var recorder = new PhaseRecorder(context, capacity: 256);
            var loop = new FrameLoop(context, new FrameStats(capacity: 32));
            loop.Run(recorder, maxFrames: 20);
            return (loop.Stats.Count, recorder.PositiveDeltas, recorder.FirstDelta);
        });

        Assert.Multiple(() =>
        {
            Assert.That(count, Is.EqualTo(20));
            Assert.That(firstDelta, Is.Zero);
            Assert.That(deltas, Is.EqualTo(19), "every frame after the first has a positive delta");
        });
    }

    [Test]
    public void Run_stops_when_the_context_asks_to_close()
    {
        // A context of its own: closing the shared test context would end every later test's loop.
        var ran = FreshThread.Run(() =>
        {
            using var context = new EglHeadlessContext(new GraphicsContextOptions { Width = 8, Height = 8, Debug = false });
            var closer = new PhaseRecorder(context, capacity: 64) { CloseAtFrame = 4 };
            var loop = new FrameLoop(context, new FrameStats(capacity: 16));
            return loop.Run(closer, maxFrames: 1000);
        });

        Assert.That(ran, Is.EqualTo(5), "the frame that requested the close completes, then the loop stops");
    }

    [Test]
    public void Steady_state_frames_do_not_allocate()
    {
        var allocated = GlTestHost.Run(context =>
        {
            var clearing = new ClearingPhases(context.Gl, context);
            var loop = new FrameLoop(context, new FrameStats(capacity: 1024));
            loop.Run(clearing, maxFrames: 30);
            var before = GC.GetAllocatedBytesForCurrentThread();
            loop.Run(clearing, maxFrames: 300);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        });

        Assert.That(allocated, Is.Zero);
    }

    private sealed class PhaseRecorder(EglHeadlessContext context, int capacity) : IFramePhases
    {
        private readonly string[] _log = new string[capacity];
        private int _count;

        public int CloseAtFrame { get; init; } = -1;

        public int PositiveDeltas { get; private set; }

        public double FirstDelta { get; private set; } = double.NaN;

        public void ProcessInput(KeyboardInput input, in FrameTime time) => Add("input", time);

        public void Update(in FrameTime time)
        {
            Add("update", time);
            if (time.Index == 0)
            {
                FirstDelta = time.DeltaSeconds;
            }
            else if (time.DeltaSeconds > 0)
            {
                PositiveDeltas++;
            }

            if (time.Index == CloseAtFrame)
            {
                context.RequestClose();
            }
        }

        public void Upload(in FrameTime time) => Add("upload", time);

        public void Render(in FrameTime time) => Add("render", time);

        public string[] Recorded() => _log[.._count];

        private void Add(string phase, in FrameTime time)
        {
            if (_count < _log.Length)
            {
                _log[_count++] = phase + time.Index;
            }
        }
    }

    private sealed class ClearingPhases(GL gl, IGraphicsContext context) : IFramePhases
    {
        public void ProcessInput(KeyboardInput input, in FrameTime time)
        {
            while (input.TryRead(out _))
            {
            }
        }

        public void Update(in FrameTime time)
        {
        }

        public void Upload(in FrameTime time)
        {
        }

        public void Render(in FrameTime time)
        {
            gl.BindFramebuffer(FramebufferTarget.Framebuffer, context.DefaultFramebuffer);
            gl.ClearColor((float)(time.Index % 7) / 7f, 0.2f, 0.3f, 1f);
            gl.Clear(ClearBufferMask.ColorBufferBit | ClearBufferMask.DepthBufferBit);
        }
    }
}
