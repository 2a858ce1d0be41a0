namespace ThermoHand.Exports.Fhir;

/// <summary>
/// Every code the FHIR export uses, with where it was found (docs/fhir.md lists them with their verification status).
/// </summary>
public static class FhirCodes
{
    public const string Loinc = "http://loinc.org";
    public const string Snomed = "http://snomed.info/sct";
    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>
    /// LOINC 39106-0 "Temperature of Skin" (clinical.md §8 [S71]; seen in public FHIR code): TO BE VERIFIED on loinc.org
    /// before clinical use. Not 8310-5, which the FHIR body-temperature profile fixes for core temperature.
    /// </summary>
    public const string SkinTemperatureCode = "39106-0";

    public const string SkinTemperatureDisplay = "Temperature of Skin";

    /// <summary>Placeholder CodeSystem for the derived indices (no LOINC codes exist, clinical.md §8); a site replaces it by its canonical URL.</summary>
    public const string DefaultMetricCodeSystem = "urn:thermohand:fhir:codesystem:rewarming-metrics:v1";

    /// <summary>Placeholder identifier system for clinic identifiers; a site sets its own (e.g. its hospital-number OID).</summary>
    public const string DefaultClinicIdentifierSystem = "urn:thermohand:clinic-identifier";

    /// <summary>meta.tag system naming the analysis version ("device", "v2", …) the numbers come from.</summary>
    public const string AnalysisVersionTagSystem = "urn:thermohand:fhir:analysis-version";

    /// <summary>meta.tag system carrying the analysis settings hash (docs/reanalysis.md).</summary>
    public const string SettingsHashTagSystem = "urn:thermohand:fhir:analysis-settings-hash";

    /// <summary>
    /// SNOMED CT finger structures, digit 1–5. Found via code search in the Belgian eHealth FHIR value set
    /// "be-vs-body-site" (https://www.ehealth.fgov.be/standards/fhir/terminology/ValueSet/be-vs-body-site) and in
    /// other public code; marked unverified until checked in a SNOMED CT browser (docs/fhir.md).
    /// </summary>
    public static readonly IReadOnlyDictionary<int, (string Code, string Display)> FingerStructures = new Dictionary<int, (string, string)>
    {
        [1] = ("76505004", "Thumb structure"),
        [2] = ("83738005", "Index finger structure"),
        [3] = ("65531009", "Middle finger structure"),
        [4] = ("82002001", "Ring finger structure"),
        [5] = ("12406000", "Little finger structure"),
    };

    /// <summary>SNOMED CT "Hand structure" (same source), used for the dorsum with the text "dorsum of hand": a more specific code is unverified.</summary>
    public const string HandStructure = "85562004";

    /// <summary>Display names of the derived metrics in <see cref="DefaultMetricCodeSystem"/>, with their UCUM units.</summary>
    public static readonly IReadOnlyDictionary<string, (string Display, string Unit)> Metrics = new Dictionary<string, (string, string)>
    {
        ["baseline"] = ("Baseline temperature (mean of the 60 s before challenge_start)", "Cel"),
        ["minimum"] = ("Minimum temperature after challenge_end", "Cel"),
        ["drop"] = ("Drop: baseline minus minimum", "Cel"),
        ["recovery-300"] = ("Recovery at 300 s after challenge_end", "%"),
        ["recovery-600"] = ("Recovery at 600 s after challenge_end", "%"),
        ["recovery-900"] = ("Recovery at 900 s after challenge_end", "%"),
        ["t50"] = ("Time to 50 % recovery after challenge_end", "s"),
        ["max-rate"] = ("Maximum rewarming rate over any 60 s window", "Cel/min"),
        ["auc-above-min"] = ("Area of T - minimum over 0-900 s after challenge_end", "Cel.min"),
        ["ddd"] = ("Distal-dorsal difference at baseline, dorsum minus fingertip (positive = finger colder)", "Cel"),
        ["ddd-mean"] = ("Mean distal-dorsal difference of digits 2-5 at baseline (positive = fingers colder)", "Cel"),
        ["eight-finger"] = ("Rewarming after cold challenge, mean over the 8 fingers (digits 2-5 of both hands)", "1"),
    };
}
