using BenchmarkDotNet.Attributes;
using ThermoHand.Mlx90640;
using ThermoHand.Mlx90640.Vectors;

namespace ThermoHand.Benchmarks;

/// <summary>
/// EEPROM extraction (reference <c>MLX90640_ExtractParameters</c>: 120 µs with gcc -O2 on the reference machine,
/// shared/reference/mlx90640.md). Runs once per sensor connection, so it only has to be "not silly".
/// </summary>
[MemoryDiagnoser]
public class CalibrationBenchmarks
{
    private ushort[] eeprom = [];

    [GlobalSetup]
    public void Setup() => eeprom = CalibrationBenchmarkData.MelexisSample().EepromWords;

    [Benchmark]
    public Mlx90640Calibration Extract() => Mlx90640Calibration.Extract(eeprom);
}

/// <summary>Finds the shared conformance vectors for the benchmarks (THERMOHAND_SHARED, else beside the checkout).</summary>
internal static class CalibrationBenchmarkData
{
    public static SensorVector MelexisSample()
        => SensorVector.Load(Path.Combine(FindShared(), "vectors", "mlx90640", "real_melexis_sample_chess18.json"));

    private static string FindShared()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("THERMOHAND_SHARED");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "vectors")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("shared/vectors not found beside the checkout; set THERMOHAND_SHARED.");
    }
}
