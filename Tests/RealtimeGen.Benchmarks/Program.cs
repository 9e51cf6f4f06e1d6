using BenchmarkDotNet.Running;
using RealtimeGen.Benchmarks.ExternalMemory;

// Named branches first; everything else goes to BenchmarkDotNet.
//   extmem [sizes...]: CPU staging vs external-memory texture updates, e.g.
//     dotnet run -c Release --project Tests/RealtimeGen.Benchmarks -- extmem 128 512 1024
// Every benchmark class in this assembly is reachable: pick with --filter, e.g.
//   dotnet run -c Release --project Tests/RealtimeGen.Benchmarks -- --filter '*Ecs*' --job short
if (args.Length > 0 && args[0] == "extmem")
{
    return TextureUpdateComparison.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
