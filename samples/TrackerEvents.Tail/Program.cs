using System.CommandLine;
using System.Runtime.InteropServices;
using TrackerEvents.Tail;

// Ctrl+C (SIGINT) and SIGTERM end the tail normally (exit 0): the subscription is closed and the forwarder drained.
using var stop = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await TailCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, stop.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
