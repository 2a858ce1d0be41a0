namespace ThermoHand.Analysis.Reanalysis;

/// <summary>
/// What a re-analysis of stored temperature frames changes (docs/reanalysis.md). Unchanged settings leave the frames
/// untouched, so a re-analysis with the recorded settings reproduces the device's numbers.
/// </summary>
public sealed record ReanalysisPlan
{
    /// <summary>The emissivity the stored temperatures were computed with (from the session's settings).</summary>
    public double? RecordedEmissivity { get; init; }

    /// <summary>The emissivity to analyse with; null = as recorded.</summary>
    public double? Emissivity { get; init; }

    /// <summary>The reflected-temperature rule as recorded (text, for the provenance).</summary>
    public string? ReflectedTemperature { get; init; }

    /// <summary>Tr in °C at a session time (s), as the device used it; needed only for an emissivity change.</summary>
    public Func<double, double?>? ReflectedCelsiusAt { get; init; }

    /// <summary>The site calibration the stored temperatures carry (null = factory calibration only).</summary>
    public ISiteCorrection? RecordedCalibration { get; init; }

    /// <summary>The site calibration to analyse with (null = none).</summary>
    public ISiteCorrection? Calibration { get; init; }

    public string RegionMethod { get; init; } = RegionMethods.UnmixedFingertip;

    public IReadOnlyDictionary<string, double> RewarmingOverrides { get; init; } = new SortedDictionary<string, double>(StringComparer.Ordinal);

    /// <summary>The label of the analysis this one starts from ("device", "v2", …).</summary>
    public string? BasedOn { get; init; }

    public AnalysisSource Source { get; init; } = AnalysisSource.StoredFrames;

    /// <summary>True when the emissivity differs from the recorded one.</summary>
    public bool ChangesEmissivity => Emissivity is { } e && RecordedEmissivity is { } r ? Math.Abs(e - r) > 1e-9 : Emissivity is not null;

    /// <summary>True when the calibration differs from the recorded one (by id and checksum).</summary>
    public bool ChangesCalibration => RecordedCalibration?.Reference != Calibration?.Reference;

    /// <summary>The provenance of the result this plan produces.</summary>
    public AnalysisProvenance Provenance()
    {
        var notes = new List<string>();
        if (ChangesEmissivity && Source == AnalysisSource.StoredFrames)
        {
            notes.Add(FormattableString.Invariant(
                $"emissivity {RecordedEmissivity:0.###} → {Emissivity:0.###} re-derived per pixel from the stored temperatures: To2^4 = Tr^4 + (e1/e2)(To1^4 - Tr^4) (docs/reanalysis.md)"));
        }
        else if (ChangesEmissivity && Source == AnalysisSource.Recording)
        {
            notes.Add(FormattableString.Invariant($"emissivity {Emissivity:0.###}: temperatures recomputed from the raw subpages"));
        }

        if (ChangesCalibration && Source == AnalysisSource.StoredFrames)
        {
            notes.Add($"site calibration {RecordedCalibration?.Reference.Id ?? "none"} removed, {Calibration?.Reference.Id ?? "none"} applied");
        }

        return new AnalysisProvenance
        {
            Software = AnalysisProvenance.CurrentSoftware,
            Source = Source,
            Emissivity = Emissivity ?? RecordedEmissivity,
            ReflectedTemperature = ReflectedTemperature,
            RegionMethod = RegionMethod,
            RewarmingOverrides = new SortedDictionary<string, double>(RewarmingOverrides.ToDictionary(), StringComparer.Ordinal),
            Calibration = Calibration?.Reference,
            BasedOn = BasedOn,
            Notes = notes,
        };
    }
}
