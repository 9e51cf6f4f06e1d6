using BenchmarkDotNet.Running;
using RealtimeGen.Benchmarks.Assets;

// Named command branches first; everything else goes to BenchmarkDotNet.
//   dotnet run -c Release --project Tests/RealtimeGen.Benchmarks -- assets-report [--quick]
// Every benchmark class in this assembly is reachable: pick with --filter, e.g.
//   dotnet run -c Release --project Tests/RealtimeGen.Benchmarks -- --filter '*Ecs*' --job short
if (args.Length > 0 && args[0] == "assets-report")
{
    return AssetsReport.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
