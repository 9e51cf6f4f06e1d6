using BenchmarkDotNet.Running;
using RealtimeGen.Benchmarks.Assets;
using RealtimeGen.Benchmarks.ExternalMemory;
using RealtimeGen.Benchmarks.Frames;

// Named command branches first (they measure whole frames or reports, not methods); everything else goes to
// BenchmarkDotNet.
//   frames [--frames N] [--width W --height H]: frame pacing without generation, streamed, and synchronous
//   assets-report [--quick]: time and peak memory per texture size, seam and watermark tables
//   extmem [sizes...]: CPU staging vs external-memory texture updates, e.g. extmem 128 512 1024
//   cache-latency [--rounds N] [--sizes 128,256,512]: in-game request-to-final latency, asset-cache miss vs hit
//   extmem-sink [sizes...]: the plugin's texture sinks image by image (TextureStreamer vs ExternalMemoryStreamer, copy and direct paths)
//   route-decode [sizes...]: the worker's final decode into RGBA8 (slot path) vs into a planar tensor via IOBinding (GPU route path)
// Every benchmark class in this assembly is reachable: pick with --filter, e.g.
//   dotnet run -c Release --project Tests/RealtimeGen.Benchmarks -- --filter '*Ecs*' --job short
switch (args.Length > 0 ? args[0] : "")
{
    case "frames":
        return FramesCommand.Run(args[1..]);
    case "assets-report":
        return AssetsReport.Run(args[1..]);
    case "extmem":
        return TextureUpdateComparison.Run(args[1..]);
    case "cache-latency":
        return CacheLatencyCommand.Run(args[1..]);
    case "extmem-sink":
        return SinkUpdateComparison.Run(args[1..]);
    case "route-decode":
        return RouteDecodeComparison.Run(args[1..]);
    default:
        BenchmarkSwitcher.FromAssembly(typeof(FramesCommand).Assembly).Run(args);
        return 0;
}
