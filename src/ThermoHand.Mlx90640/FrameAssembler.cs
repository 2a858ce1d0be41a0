namespace ThermoHand.Mlx90640;

/// <summary>What happened to one subpage given to <see cref="FrameAssembler.Add"/>.</summary>
public enum FrameAssemblyOutcome
{
    /// <summary>First half of an image; waiting for the other subpage.</summary>
    Pending,

    /// <summary>Second half: <see cref="FrameAssembler.Image"/> holds a new image.</summary>
    Completed,

    /// <summary>The same subpage number twice in a row (a half was missed, or the sensor repeated itself): the earlier half was discarded.</summary>
    DiscardedRepeatedSubpage,

    /// <summary>The halves alternate but are two or more periods apart (whole subpages were missed): the earlier half was discarded.</summary>
    DiscardedSkippedSubpage,

    /// <summary>Refresh rate, resolution or pattern changed between the halves: the earlier half was discarded.</summary>
    DiscardedSettingsChanged,
}

/// <summary>
/// Merges two consecutive subpages into one 768-pixel temperature image (pitfall 1: a subpage holds half the pixels),
/// and refuses to merge halves that are not consecutive (pitfall 2): a repeated subpage number, a gap of two or more
/// subpage periods, or a settings change discards the earlier half and reports it. Allocates nothing per frame.
/// </summary>
/// <remarks>
/// Gap rule: the source stamps a subpage when it sees it ready. A host that keeps up reads each subpage within one
/// period of its completion, so consecutive subpages are less than two periods apart; missing one subpage repeats the
/// subpage number, missing two puts the halves at least two periods apart. The rule therefore separates "consecutive"
/// from "skipped" as long as the host is never a whole period late — and if it is, the sensor has overwritten the data.
/// </remarks>
public sealed class FrameAssembler
{
    /// <summary>Reflected temperature below the die temperature when none is given (vendor examples; pitfall 20).</summary>
    public const float DefaultReflectedOffsetCelsius = -8f;

    private readonly TemperatureCalculator calculator;
    private readonly float emissivity;
    private readonly float? reflectedTemperatureCelsius;
    private readonly float[] working = new float[Mlx90640Image.PixelCount];
    private bool hasPending;
    private int pendingSubpage;
    private double pendingTimeSeconds;
    private ushort pendingControl;
    private float pendingDieTemperature;

    /// <param name="calculator">The sensor's temperature calculation.</param>
    /// <param name="emissivity">Emissivity of the target, (0, 1]; human skin ≈ 0.98.</param>
    /// <param name="reflectedTemperatureCelsius">Reflected (background) temperature; null = each subpage's die temperature − 8 °C.</param>
    public FrameAssembler(TemperatureCalculator calculator, float emissivity, float? reflectedTemperatureCelsius = null)
    {
        this.calculator = calculator ?? throw new ArgumentNullException(nameof(calculator));
        if (!(emissivity > 0f && emissivity <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(emissivity), emissivity, "Emissivity must be greater than 0 and at most 1 (skin ≈ 0.98).");
        }

        if (reflectedTemperatureCelsius is { } tr && !float.IsFinite(tr))
        {
            throw new ArgumentOutOfRangeException(nameof(reflectedTemperatureCelsius), tr, "Reflected temperature must be a finite number of °C.");
        }

        this.emissivity = emissivity;
        this.reflectedTemperatureCelsius = reflectedTemperatureCelsius;
    }

    /// <summary>The latest completed image (overwritten by the next one).</summary>
    public Mlx90640Image Image { get; } = new();

    /// <summary>Halves discarded so far because the next subpage had the same number.</summary>
    public int RepeatedSubpageCount { get; private set; }

    /// <summary>Halves discarded so far because subpages were skipped between them.</summary>
    public int SkippedSubpageCount { get; private set; }

    /// <summary>Halves discarded so far because the control register changed between them.</summary>
    public int SettingsChangedCount { get; private set; }

    /// <summary>Forgets a pending half (after a sensor fault or restart, so no half survives across the gap).</summary>
    public void Reset() => hasPending = false;

    /// <summary>Adds the next subpage read from the sensor, in order.</summary>
    public FrameAssemblyOutcome Add(RawSubpage subpage)
    {
        ArgumentNullException.ThrowIfNull(subpage);
        if (subpage.Subpage is not (0 or 1))
        {
            throw new ArgumentException($"Subpage word is {subpage.Subpage}; it must be 0 or 1.", nameof(subpage));
        }

        if (!hasPending)
        {
            StartImage(subpage);
            return FrameAssemblyOutcome.Pending;
        }

        var outcome = Consecutive(subpage);
        if (outcome != FrameAssemblyOutcome.Completed)
        {
            StartImage(subpage);
            return outcome;
        }

        var dieTemperature = AddHalf(subpage, out var reflected);
        hasPending = false;
        working.CopyTo(Image.TemperaturesCelsius, 0);
        calculator.CorrectDeviatingPixels(Image.TemperaturesCelsius, RegisterFields.GetReadingPattern(subpage.ControlRegister));
        Image.TimeSeconds = subpage.TimeSeconds;
        Image.DieTemperatureCelsius = (pendingDieTemperature + dieTemperature) / 2f;
        Image.ReflectedTemperatureCelsius = reflected;
        Image.SupplyVoltage = calculator.GetSupplyVoltage(subpage);
        Image.ControlRegister = subpage.ControlRegister;
        Image.Sequence++;
        return FrameAssemblyOutcome.Completed;
    }

    /// <summary>
    /// Reads subpages from <paramref name="source"/> into <paramref name="buffer"/> until an image completes (true, in
    /// <see cref="Image"/>) or the source ends (false). Discarded halves are counted, not thrown.
    /// </summary>
    public bool TryReadImage(ISubpageSource source, RawSubpage buffer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        while (source.TryReadSubpage(buffer, cancellationToken))
        {
            if (Add(buffer) == FrameAssemblyOutcome.Completed)
            {
                return true;
            }
        }

        return false;
    }

    private FrameAssemblyOutcome Consecutive(RawSubpage subpage)
    {
        if (subpage.ControlRegister != pendingControl)
        {
            SettingsChangedCount++;
            return FrameAssemblyOutcome.DiscardedSettingsChanged;
        }

        if (subpage.Subpage == pendingSubpage)
        {
            RepeatedSubpageCount++;
            return FrameAssemblyOutcome.DiscardedRepeatedSubpage;
        }

        var period = RegisterFields.GetRefreshRate(subpage.ControlRegister).SubpagePeriod().TotalSeconds;
        var gap = subpage.TimeSeconds - pendingTimeSeconds;
        if (!(gap < 2 * period) || gap < 0)
        {
            SkippedSubpageCount++;
            return FrameAssemblyOutcome.DiscardedSkippedSubpage;
        }

        return FrameAssemblyOutcome.Completed;
    }

    private void StartImage(RawSubpage subpage)
    {
        // A fresh image starts all-invalid, so a half from an earlier, discarded pair can never show through.
        working.AsSpan().Fill(float.NaN);
        pendingDieTemperature = AddHalf(subpage, out _);
        pendingSubpage = subpage.Subpage;
        pendingTimeSeconds = subpage.TimeSeconds;
        pendingControl = subpage.ControlRegister;
        hasPending = true;
    }

    private float AddHalf(RawSubpage subpage, out float reflected)
    {
        var dieTemperature = calculator.GetAmbientTemperature(subpage);
        reflected = reflectedTemperatureCelsius ?? (dieTemperature + DefaultReflectedOffsetCelsius);
        calculator.CalculateObjectTemperatures(subpage, emissivity, reflected, working);
        return dieTemperature;
    }
}
