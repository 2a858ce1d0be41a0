namespace ThermoHand.Simulation;

/// <summary>A point in 32×24 sensor pixel coordinates (x = column, y = row; pixel (c, r) has its centre at (c, r)).</summary>
public readonly record struct SensorPoint(double X, double Y)
{
    /// <summary>Whether the point falls on the sensor's image at all.</summary>
    public bool InView => X >= -0.5 && X < SensorOptics.Columns - 0.5 && Y >= -0.5 && Y < SensorOptics.Rows - 0.5;
}

/// <summary>
/// What the scene really was at one moment: where the fingertips were and what temperature the physiology model
/// gave the skin. Temperatures exist even while the hand is out of view (the skin keeps cooling in the water).
/// </summary>
public sealed record GroundTruthFrame(
    double TimeSeconds,
    bool HandInView,
    HandPose Pose,
    IReadOnlyList<SensorPoint> FingertipCentres,
    IReadOnlyList<double> FingertipCelsius,
    SensorPoint DorsumCentre,
    double DorsumCelsius);
