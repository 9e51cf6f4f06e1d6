using BenchmarkDotNet.Running;
using RealtimeGen.Benchmarks.Frames;

// Frame pacing with and without streamed generation (a command of its own: it measures whole frames, not methods):
//   dotnet run -c Release --project Tests/RealtimeGen.Benchmarks -- frames [--frames N] [--width W --height H]
if (args is ["frames", .. var frameArgs])
{
    return FramesCommand.Run(frameArgs);
}

// Every benchmark class in this assembly is reachable: pick with --filter, e.g.
//   dotnet run -c Release --project Tests/RealtimeGen.Benchmarks -- --filter '*Ecs*' --job short
BenchmarkSwitcher.FromAssembly(typeof(FramesCommand).Assembly).Run(args);
return 0;
