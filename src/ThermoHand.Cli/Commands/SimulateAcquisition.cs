using System.Globalization;
using ThermoHand.Analysis;
using ThermoHand.Mlx90640;
using ThermoHand.Mlx90640.Emulation;
using ThermoHand.Simulation;
using ReflectedTemperatureRule = ThermoHand.Recording.Native.ReflectedTemperatureRule;

namespace ThermoHand.Cli.Commands;

/// <summary>
/// The acquisition of one simulated session, in memory: scene → emulated sensor RAM words → the real driver →
/// temperature frames, with the ground truth of each frame. <c>thermohand simulate</c> writes what it produces to
/// files; <c>thermohand accuracy</c> analyses it directly. One code path, so the accuracy table measures exactly
/// what a simulated recording would contain.
/// </summary>
internal sealed class SimulateAcquisition(SimulationSettings settings, ushort[] eeprom, double refreshRateHz)
{
    /// <summary>Skin emissivity 0.98 (clinical.md §1, [S39][S43]): the scene is skin, and the driver is told so.</summary>
    public const float SkinEmissivity = 0.98f;

    /// <summary>The sensor die runs about 8 °C above room air [S52]; so Ta − 8 (the vendor's reflected temperature) is the room.</summary>
    public const double DieAboveRoomCelsius = 8;

    /// <summary>The reflected temperature rule, the vendor's Ta − 8 °C; the recording header states the same rule.</summary>
    public static ReflectedTemperatureRule ReflectedTemperature => ReflectedTemperatureRule.VendorDefault;

    private static readonly RefreshRate[] RefreshRates =
    [
        RefreshRate.HalfHertz, RefreshRate.OneHertz, RefreshRate.TwoHertz, RefreshRate.FourHertz,
        RefreshRate.EightHertz, RefreshRate.SixteenHertz, RefreshRate.ThirtyTwoHertz, RefreshRate.SixtyFourHertz,
    ];

    /// <summary>The subpage refresh rates the MLX90640 offers (control register 0x800D bits 7–9).</summary>
    internal static double[] RefreshRatesHz { get; } = [0.5, 1, 2, 4, 8, 16, 32, 64];

    /// <summary>Called with the sensor's control register once it is configured, before the first subpage.</summary>
    public Action<ushort>? Configured { get; init; }

    /// <summary>Called with every raw subpage as the driver read it (the buffer is reused: copy what you keep).</summary>
    public Action<RawSubpage>? SubpageRead { get; init; }

    /// <summary>Called with every full frame (after the deviating-pixel correction) and the truth at its time stamp.</summary>
    public Action<ThermalFrame, GroundTruthFrame>? FrameReady { get; init; }

    /// <summary>Runs the whole protocol on the scene clock, as fast as it computes; the recorder keeps each frame's truth.</summary>
    public void Run(GroundTruthRecorder truth)
    {
        ArgumentNullException.ThrowIfNull(truth);
        var protocol = settings.Protocol;
        var rateIndex = Array.IndexOf(RefreshRatesHz, refreshRateHz);
        if (rateIndex < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(refreshRateHz), refreshRateHz, "not a sensor refresh rate (0.5, 1, 2, 4, 8, 16, 32 or 64 Hz)");
        }

        var clock = new SimulatedClock();
        var sensorOptions = new EmulatedMlx90640Options
        {
            EepromWords = eeprom,
            DieTemperatureCelsius = (float)(protocol.RoomTemperatureCelsius + DieAboveRoomCelsius),
            Emissivity = SkinEmissivity,
        };

        // The real driver on the emulated I2C device, both on the scene clock; no status polling pauses (the clock
        // does not move while the driver waits, so a pause would only waste wall time).
        using var sensor = new ThermoHand.Mlx90640.Mlx90640(new EmulatedMlx90640(truth.Scene, sensorOptions, clock), clock) { StatusPollInterval = TimeSpan.Zero };
        sensor.ReadingPattern = ReadingPattern.Chess;
        sensor.RefreshRate = RefreshRates[rateIndex];
        var calibration = sensor.ReadEeprom();
        var calculator = new TemperatureCalculator(calibration);
        Configured?.Invoke(sensor.ReadControlRegister());

        var subpage = new RawSubpage();
        var image = new float[ThermalFrame.PixelCount];
        var seen = new bool[2];
        var period = TimeSpan.FromTicks((long)Math.Round(TimeSpan.TicksPerSecond / refreshRateHz));
        var total = protocol.TotalSeconds;
        while (true)
        {
            clock.Advance(period);
            if (clock.Elapsed.TotalSeconds > total)
            {
                break;
            }

            if (!sensor.TryReadSubpage(subpage, TimeSpan.Zero))
            {
                throw new IOException(string.Create(CultureInfo.InvariantCulture, $"the emulated sensor had no new subpage at {clock.Elapsed.TotalSeconds:0.###} s (scene clock)"));
            }

            SubpageRead?.Invoke(subpage);

            // The driver's calculation, exactly as for the real sensor: reflected temperature by the header's rule (Ta − 8).
            var ambient = calculator.GetAmbientTemperature(subpage);
            calculator.CalculateObjectTemperatures(subpage, SkinEmissivity, (float)ReflectedTemperature.Resolve(ambient), image);
            seen[subpage.Subpage] = true;
            if (subpage.Subpage == 1 && seen[0])
            {
                var frame = (float[])image.Clone();
                calculator.CorrectDeviatingPixels(frame, ReadingPattern.Chess);
                var truthFrame = truth.Record(TimeSpan.FromSeconds(subpage.TimeSeconds));
                FrameReady?.Invoke(new ThermalFrame(subpage.TimeSeconds, frame), truthFrame);
            }
        }
    }
}
