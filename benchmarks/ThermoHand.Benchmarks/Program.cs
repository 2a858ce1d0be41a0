using BenchmarkDotNet.Running;
using ThermoHand.Benchmarks.Suite;

// Three modes (benchmarks/README.md):
//   `-- --filter '*'`     BenchmarkDotNet, every benchmark (any BenchmarkDotNet arguments);
//   `-- soak …`           the worker soak (WorkerSoak);
//   `-- report …`         writes benchmarks/RESULTS.md from the exported results (ResultsReport).
// scripts/bench.sh runs all three.
try
{
    return args.FirstOrDefault() switch
    {
        "soak" => WorkerSoak.Run(args[1..]),
        "report" => ResultsReport.Run(args[1..]),
        _ => Benchmarks(args),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

static int Benchmarks(string[] args)
{
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
}
