using ThermoHand.Cli;
using ThermoHand.Cli.Commands;

// `thermohand` — the command-line tool for research staff, device technicians and acceptance checks.
// Each command lives in Commands/ and is listed here once; `thermohand help` prints this table.
var commands = new CommandTable(
[
    new Mlx90640ComputeCommand(),
    new AnalyzeCommand(),
    new RecordingInfoCommand(),
    new ImportBenchCommand(),
    new ExportCsvCommand(),
    new SimulateCommand(),
    new AccuracyCommand(),
    new CalibrateCommand(),
    new CalibrationCheckCommand(),
]);

return commands.Run(args, Console.Out, Console.Error);
