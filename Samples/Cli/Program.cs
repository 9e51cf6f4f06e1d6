using RealtimeGen.Samples.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Let the pipeline stop at the next step (or terminate the running session) and exit with code 1.
    e.Cancel = true;
    cancellation.Cancel();
};
return CliApp.Run(args, Console.Out, Console.Error, cancellation.Token);
