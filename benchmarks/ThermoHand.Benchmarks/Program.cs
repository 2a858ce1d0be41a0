using BenchmarkDotNet.Running;

// `dotnet run -c Release --project benchmarks/ThermoHand.Benchmarks -- --filter '*'` runs every benchmark;
// see benchmarks/README.md for the figures and how they compare with the vendor's C reference.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
