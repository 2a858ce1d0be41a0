using ThermoHand.Simulation;

namespace ThermoHand.Calibration.Tests;

/// <summary>The emulated technician: sets the emulated target to each temperature and reads the emulated thermometer.</summary>
internal sealed class BenchPrompt(ReferenceTargetScene scene, double offsetFromNominalCelsius = 0) : ICalibrationPrompt
{
    public List<CalibrationTarget> Presented { get; } = [];

    public void PresentTarget(CalibrationTarget target)
    {
        Presented.Add(target);
        scene.TemperatureCelsius = target.NominalCelsius + offsetFromNominalCelsius;
    }

    public double ReadReferenceTemperature(CalibrationTarget target) => scene.ReadReferenceThermometer();
}
