using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is reachable: pick with --filter, e.g.
//   dotnet run -c Release --project Tests/RealtimeGen.Benchmarks -- --filter '*Ecs*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
