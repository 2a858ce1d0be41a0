using Microsoft.Extensions.Hosting;
using ThermoHand.Worker.Protocol;

namespace ThermoHand.Worker.Services;

/// <summary>Ticks the protocol four times a second so timed phases end and immersion cues sound on time.</summary>
internal sealed class ProtocolTicker(ProtocolSession session, TimeProvider clock) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                session.Tick();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }
}
