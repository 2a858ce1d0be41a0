using System.Globalization;
using ThermoHand.Calibration;
using ThermoHand.Simulation;

namespace ThermoHand.Cli.Commands;

/// <summary>
/// The technician at a real bench: asks on the terminal for each target to be set up and for the reference
/// thermometer's reading (a number in °C; asked again until one is given).
/// </summary>
internal sealed class InteractiveCalibrationPrompt(TextReader input, TextWriter prompt) : ICalibrationPrompt
{
    public void PresentTarget(CalibrationTarget target)
    {
        prompt.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{target}: bring the blackbody or stirred bath to about {target.NominalCelsius:0.#} °C, point the sensor at it so it fills the whole view, wait until the reference thermometer is steady, then press Enter."));
        if (input.ReadLine() is null)
        {
            throw new CalibrationProcedureException("the input ended before the target was confirmed; nothing was saved");
        }
    }

    public double ReadReferenceTemperature(CalibrationTarget target)
    {
        while (true)
        {
            prompt.Write($"{target}: reference thermometer reading now (°C): ");
            var line = input.ReadLine() ?? throw new CalibrationProcedureException("the input ended before the reference reading was given; nothing was saved");
            if (double.TryParse(line.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            {
                return value;
            }

            prompt.WriteLine($"'{line.Trim()}' is not a temperature; type the reading in °C with a decimal point, e.g. 30.02");
        }
    }
}

/// <summary>Reference readings given on the command line (<c>--reference-temps</c>), one per target in the order presented.</summary>
internal sealed class ScriptedCalibrationPrompt(IReadOnlyList<double> readings, TextWriter prompt) : ICalibrationPrompt
{
    private int next;

    public void PresentTarget(CalibrationTarget target) => prompt.WriteLine($"{target}: using the scripted reference readings (no prompt).");

    public double ReadReferenceTemperature(CalibrationTarget target)
        => next < readings.Count ? readings[next++] : throw new CalibrationProcedureException($"--reference-temps gives {readings.Count} readings; {target} needs one more");
}

/// <summary>The emulated bench: sets the emulated target to each temperature and reads the emulated reference thermometer.</summary>
internal sealed class EmulatedCalibrationPrompt(ReferenceTargetScene scene, TextWriter prompt) : ICalibrationPrompt
{
    public void PresentTarget(CalibrationTarget target)
    {
        scene.TemperatureCelsius = target.NominalCelsius;
        prompt.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target}: emulated {(scene.Kind == ReferenceTargetKind.Blackbody ? "blackbody" : "water bath")} set to {target.NominalCelsius:0.#} °C."));
    }

    public double ReadReferenceTemperature(CalibrationTarget target) => scene.ReadReferenceThermometer();
}
