using Microsoft.Extensions.Logging;
using RealtimeGen.Engine;
using RealtimeGen.Samples.DemoScene;

DemoOptions options;
try
{
    options = DemoOptions.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine($"RealtimeGen.DemoScene: {e.Message}");
    return 2;
}

if (options.ShowHelp)
{
    Console.WriteLine(DemoOptions.Usage);
    return 0;
}

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
var logger = loggerFactory.CreateLogger("RealtimeGen.DemoScene");
try
{
    return DemoRun.Run(options, logger);
}
catch (RealtimeGenException e)
{
    DemoLog.Failed(logger, e.Message);
    return 1;
}
