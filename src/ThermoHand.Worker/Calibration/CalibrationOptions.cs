namespace ThermoHand.Worker.Calibration;

/// <summary>
/// Calibration:* — where the site calibrations are (docs/calibration.md, one folder per sensor id), how early an
/// expiry is announced, whether sessions need one, and the per-session reference check (docs/worker.md).
/// </summary>
public sealed class CalibrationOptions
{
    /// <summary>
    /// The calibration directory (the repository's calibration/ or the device's copy of it). A relative path is taken
    /// from the program's folder, like Storage:Path.
    /// </summary>
    public string Directory { get; set; } = "calibration";

    /// <summary>A calibration expiring within this many days is announced (health, log, session settings).</summary>
    public double WarnBeforeExpiryDays { get; set; } = 30;

    /// <summary>
    /// False: a sensor without a usable site calibration runs on its factory calibration, with a warning and a
    /// session flag. True: sessions are refused until every sensor of the session has one.
    /// </summary>
    public bool Required { get; set; }

    public ReferenceCheckOptions ReferenceCheck { get; set; } = new();
}

/// <summary>
/// Calibration:ReferenceCheck:* — the quick check against one reference target of known temperature offered before a
/// test (clinical.md §9: "absolute error checked against a reference at each session").
/// </summary>
public sealed class ReferenceCheckOptions
{
    /// <summary>The reference target's temperature (°C) when the command does not give one.</summary>
    public double ReferenceCelsius { get; set; } = 35.0;

    /// <summary>
    /// Largest |measured − reference| that passes (°C). 0.5 °C: clinical.md §9 derives from the RP decision thresholds
    /// (~1 °C DDD, 0.5 °C symmetry) that errors must stay well below 0.5 °C, and asks for the absolute error to be
    /// checked against a reference at each session.
    /// </summary>
    public double ToleranceCelsius { get; set; } = 0.5;

    /// <summary>Images averaged (each full 32×24 image is two subpages).</summary>
    public int Images { get; set; } = 8;

    /// <summary>Width of the central region averaged (pixels); the target fills the middle of the view.</summary>
    public int RegionColumns { get; set; } = 8;

    /// <summary>Height of the central region averaged (pixels).</summary>
    public int RegionRows { get; set; } = 6;

    /// <summary>
    /// Simulation only: before every session the emulated sensors look at a uniform target at
    /// <see cref="ReferenceCelsius"/> and the check runs, so the demo shows it (and the auto-clinician's sessions carry it).
    /// </summary>
    public bool BeforeEachSimulatedSession { get; set; }

    /// <summary>
    /// Minutes a sensor needs after power-on before its offset settles (it reads high while it warms up). 30: the
    /// thermography room checklist's "camera warm-up ≥ 30 min" (clinical.md §1, [S39]). A check failing earlier says so.
    /// </summary>
    public double WarmUpMinutes { get; set; } = 30;

    /// <summary>Session-clock seconds to wait for the images before the check gives up (a sensor that stopped delivering).</summary>
    public double TimeoutSeconds { get; set; } = 60;
}
