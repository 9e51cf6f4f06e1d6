using BenchmarkDotNet.Running;
using RealtimeGen.Benchmarks.Assets;
using RealtimeGen.Benchmarks.ExternalMemory;

// Named command branches first; everything else goes to BenchmarkDotNet.
//   assets-report [--quick]: time and peak memory per texture size, seam and watermark tables
//   extmem [sizes...]: CPU staging vs external-memory texture updates, e.g. extmem 128 512 1024
//     dotnet run -c Release --project Tests/RealtimeGen.Benchmarks -- extmem 128 512 1024
// Every benchmark class in this assembly is reachable: pick with --filter, e.g.
//   dotnet run -c Release --project Tests/RealtimeGen.Benchmarks -- --filter '*Ecs*' --job short
switch (args.Length > 0 ? args[0] : "")
{
    case "assets-report":
        return AssetsReport.Run(args[1..]);
    case "extmem":
        return TextureUpdateComparison.Run(args[1..]);
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
}
