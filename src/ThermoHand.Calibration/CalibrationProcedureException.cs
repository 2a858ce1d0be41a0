namespace ThermoHand.Calibration;

/// <summary>
/// The calibration procedure cannot go on: the sensor never settled, a reference reading is implausible, the sensor
/// stopped delivering images. The message says what happened and what the technician should do; nothing is saved.
/// </summary>
public sealed class CalibrationProcedureException : Exception
{
    public CalibrationProcedureException()
    {
    }

    public CalibrationProcedureException(string message)
        : base(message)
    {
    }

    public CalibrationProcedureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
