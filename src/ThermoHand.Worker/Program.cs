using Microsoft.Extensions.Hosting;
using ThermoHand.Worker.Extensions;

// ThermoHand device worker: runs in the clinic on the Raspberry Pi and guides the cold-challenge protocol.
// Read docs/protocol.md for the states, presets, deviations and every configuration key.
// appsettings.json is read from beside the program, so `dotnet run --project …` works from any folder.
HostApplicationBuilder builder;
try
{
    builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
}
catch (InvalidDataException e)
{
    // A damaged appsettings*.json: name the file and line rather than crash with a stack trace (exit 2 = configuration).
    await Console.Error.WriteLineAsync(WorkerExtensions.DescribeConfigurationFileError(e));
    return 2;
}

builder.AddWorkerOptions();   // appsettings.json → WorkerOptions; all errors reported at start, each naming its key
builder.AddClinicHardware();  // button, status LED, buzzer, room sensor, bath probe — Real or Emulated per Hardware:*:Kind
builder.AddProtocolGuide();   // protocol state machine, 4 Hz tick, buzzer/LED cues, room and bath monitoring
builder.AddDashboardUplink();  // on-disk outbox (Storage:Path/outbox) + uploader to Dashboard:Url; empty Url = off (docs/device-stream.md)
builder.AddWorkerPipeline();  // sensors → recording (SQLite + .threc) → analysis → dashboard queue; recovery, disk, health (docs/worker.md)

using IHost host = builder.Build();
return await host.RunWorkerAsync(); // Ctrl+C stops cleanly; exit 2 = configuration error, 3 = hardware missing
