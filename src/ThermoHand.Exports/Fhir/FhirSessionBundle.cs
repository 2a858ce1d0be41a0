using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using ThermoHand.Exports.Bilateral;

namespace ThermoHand.Exports.Fhir;

/// <summary>
/// Builds the HL7 FHIR R4 export of one session (docs/fhir.md) with the Firely SDK: a Bundle of type collection
/// holding the Patient (clinic identifier), the Device (ThermoHand; no serial numbers) and, per hand and region, an
/// Observation of skin temperature (LOINC 39106-0) whose value is the rewarming curve as SampledData and whose
/// components are the region's derived metrics (local CodeSystem, UCUM units); per hand one more Observation holds
/// the mean DDD; a two-hand session whose 8-finger summary can be computed gets one more Observation with the same
/// metric codes as means over digits 2–5 of both hands. Every Observation carries the analysis version and settings hash as meta tags and in its note.
/// </summary>
public static class FhirSessionBundle
{
    private static readonly JsonSerializerOptions FhirJson = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector).Pretty();

    /// <summary>The bundle as FHIR JSON (Firely serializer).</summary>
    public static string ToJson(Bundle bundle) => JsonSerializer.Serialize(bundle, FhirJson);

    /// <summary>Parses FHIR JSON back into a Bundle with the Firely parser (throws on invalid FHIR).</summary>
    public static Bundle Parse(string json) => JsonSerializer.Deserialize<Bundle>(json, FhirJson)
        ?? throw new FormatException("the JSON holds no FHIR Bundle");

    public static Bundle Build(FhirSessionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // The dashboard checks its settings at start; this keeps any other caller from writing an unusable system.
        if ((FhirSystemUri.Problem(input.ClinicIdentifierSystem, nameof(input.ClinicIdentifierSystem))
             ?? FhirSystemUri.Problem(input.MetricCodeSystem, nameof(input.MetricCodeSystem))) is { } problem)
        {
            throw new ArgumentException(problem, nameof(input));
        }

        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Timestamp = DateTimeOffset.UtcNow,
            Identifier = new Identifier("urn:thermohand:session", input.SessionId),
        };

        var patientUrl = Urn();
        var patient = new Patient();
        if (input.ClinicIdentifier is { Length: > 0 } clinicIdentifier)
        {
            patient.Identifier.Add(new Identifier(input.ClinicIdentifierSystem, clinicIdentifier));
        }

        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = patientUrl, Resource = patient });

        var deviceUrl = Urn();
        var device = new Device
        {
            DeviceName = [new Device.DeviceNameComponent { Name = "ThermoHand", Type = DeviceNameType.UserFriendlyName }],
            Type = new CodeableConcept { Text = "Infrared thermal sensor (Melexis MLX90640, 32x24 pixels) with ThermoHand cold-challenge analysis" },
            Version = input.SoftwareVersion is null ? [] : [new Device.VersionComponent { Value = input.SoftwareVersion }],
        };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = deviceUrl, Resource = device });

        foreach (var hand in input.Hands.Where(h => h.Hand is "left" or "right"))
        {
            foreach (var observation in HandObservations(input, hand, patientUrl, deviceUrl))
            {
                bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = Urn(), Resource = observation });
            }
        }

        if (EightFinger(input, patientUrl, deviceUrl) is { } eightFinger)
        {
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = Urn(), Resource = eightFinger });
        }

        return bundle;
    }

    /// <summary>Result-JSON field of each metric component, so the 8-finger Observation uses the per-region codes.</summary>
    private static readonly (string Code, string Field)[] EightFingerComponents =
    [
        ("baseline", "baseline_c"), ("minimum", "min_c"), ("drop", "drop_c"), ("recovery-300", "recovery_pct.300"),
        ("recovery-600", "recovery_pct.600"), ("recovery-900", "recovery_pct.900"), ("t50", "t50_s"),
        ("max-rate", "max_rate_c_per_min"), ("auc-above-min", "auc_above_min_c_min"),
    ];

    /// <summary>
    /// The 8-finger summary of a two-hand session (docs/fhir.md): one Observation whose components are the same local
    /// codes as the per-region ones, each the mean over digits 2–5 of both hands, plus the 8-finger DDD mean. Only
    /// when <see cref="EightFingerSummary"/> can compute it; the note names both hands' analysis versions and the n
    /// of every component with fewer than 8 fingers.
    /// </summary>
    private static Observation? EightFinger(FhirSessionInput input, string patientUrl, string deviceUrl)
    {
        var hands = input.Hands.Where(h => h.Hand is "left" or "right").ToList();
        if (hands.Count < 2)
        {
            return null;
        }

        var summary = EightFingerSummary.Combine(hands.Select(h => new HandAnalysis(h.Hand, h.VersionLabel, h.Result)).ToList());
        if (summary.Result is not { } combined)
        {
            return null;
        }

        var fewer = EightFingerComponents.Select(c => (c.Code, Spread: summary.Spread(c.Field))).Where(c => c.Spread is { Count: < 8 })
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Code} n = {c.Spread!.Count}")).ToList();
        var note = $"8-finger summary (digits 2-5 of both hands, thumbs excluded), combined from the per-hand results: {summary.VersionsText}."
            + (summary.SettingsDiffer ? $" The hands were analysed with different settings (left {summary.LeftSettingsHash}, right {summary.RightSettingsHash})." : "")
            + (fewer.Count > 0 ? " Averaged over fewer than 8 fingers: " + string.Join(", ", fewer) + "." : " Every component is a mean over 8 fingers.");
        var observation = Base(input, "both", summary.LeftVersion!, summary.SettingsDiffer ? null : summary.LeftSettingsHash, note, patientUrl, deviceUrl);
        if (summary.RightVersion != summary.LeftVersion)
        {
            observation.Meta!.Tag.Add(new Coding(FhirCodes.AnalysisVersionTagSystem, summary.RightVersion));
        }

        observation.Code = MetricCode(input, "eight-finger");
        // The numbers are the components (one per metric); the Observation itself has no single value, and says so.
        observation.DataAbsentReason = new CodeableConcept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "not-applicable", "Not Applicable",
            "the 8-finger means are the components of this Observation");
        observation.BodySite = new CodeableConcept(FhirCodes.Snomed, FhirCodes.HandStructure, "Hand structure", "both hands, fingertips of digits 2-5");
        var challengeEnd = hands.Select(h => Number(h.Result.TryGetProperty("challenge", out var c) ? c : default, "end_s")).FirstOrDefault(v => v is not null);
        observation.Effective = Period(input.StartedUtc, challengeEnd, challengeEnd + 900);
        foreach (var (code, field) in EightFingerComponents)
        {
            AddComponent(observation, input, code, summary.Spread(field)?.Mean);
        }

        AddComponent(observation, input, "ddd-mean", combined.EightFingerDddMeanCelsius);
        return observation;
    }

    private static IEnumerable<Observation> HandObservations(FhirSessionInput input, FhirHandResult hand, string patientUrl, string deviceUrl)
    {
        var result = hand.Result;
        var challenge = result.TryGetProperty("challenge", out var c) ? c : default;
        var challengeStart = Number(challenge, "start_s");
        var challengeEnd = Number(challenge, "end_s");
        var (label, hash, provenanceNote) = Provenance(hand);
        var ddd = result.TryGetProperty("ddd_c", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;

        if (result.TryGetProperty("rois", out var rois) && rois.ValueKind == JsonValueKind.Array)
        {
            foreach (var roi in rois.EnumerateArray())
            {
                var name = roi.GetProperty("name").GetString() ?? "?";
                int? digit = roi.TryGetProperty("digit", out var dg) && dg.ValueKind == JsonValueKind.Number ? dg.GetInt32() : null;
                var observation = Base(input, hand.Hand, label, hash, provenanceNote, patientUrl, deviceUrl);
                observation.Code = new CodeableConcept(FhirCodes.Loinc, FhirCodes.SkinTemperatureCode, FhirCodes.SkinTemperatureDisplay,
                    $"Skin temperature, {hand.Hand} {RegionText(name, digit)}, rewarming after cold challenge");
                observation.BodySite = BodySite(hand.Hand, name, digit);
                var curve = Curve(roi);
                var sampling = CurveSampling.FromCurve(curve);
                if (sampling is not null)
                {
                    observation.Value = new SampledData
                    {
                        Origin = new Quantity(0, "Cel") { Unit = "°C" },
                        Period = (decimal)(sampling.PeriodSeconds * 1000), // FHIR R4: milliseconds between samples
                        Factor = 1,
                        Dimensions = 1,
                        Data = sampling.Data,
                    };
                    observation.Effective = Period(input.StartedUtc, challengeEnd + sampling.StartSeconds,
                        challengeEnd + sampling.StartSeconds + (sampling.PeriodSeconds * (sampling.Values.Count - 1)));
                }
                else
                {
                    observation.DataAbsentReason = Absent("no trusted reading after challenge_end");
                    observation.Effective = Period(input.StartedUtc, challengeEnd, challengeEnd);
                }

                AddComponent(observation, input, "baseline", Number(roi, "baseline_c"));
                AddComponent(observation, input, "minimum", Number(roi, "min_c"));
                AddComponent(observation, input, "drop", Number(roi, "drop_c"));
                var recovery = roi.TryGetProperty("recovery_pct", out var r) ? r : default;
                foreach (var at in new[] { "300", "600", "900" })
                {
                    AddComponent(observation, input, "recovery-" + at, Number(recovery, at));
                }

                AddComponent(observation, input, "t50", Number(roi, "t50_s"));
                AddComponent(observation, input, "max-rate", Number(roi, "max_rate_c_per_min"));
                AddComponent(observation, input, "auc-above-min", Number(roi, "auc_above_min_c_min"));
                if (digit is >= 2 and <= 5)
                {
                    AddComponent(observation, input, "ddd", Number(ddd, name));
                }

                yield return observation;
            }
        }

        var summary = Base(input, hand.Hand, label, hash, provenanceNote, patientUrl, deviceUrl);
        summary.Code = MetricCode(input, "ddd-mean");
        summary.BodySite = new CodeableConcept(FhirCodes.Snomed, FhirCodes.HandStructure, "Hand structure", $"{hand.Hand} hand, digits 2-5 and dorsum");
        if (Number(ddd, "mean") is { } mean)
        {
            summary.Value = Quantity(mean, "Cel");
        }
        else
        {
            summary.DataAbsentReason = Absent("not computable: see the analysis quality flags");
        }

        summary.Effective = Period(input.StartedUtc, challengeStart - 60, challengeStart);
        yield return summary;
    }

    private static Observation Base(FhirSessionInput input, string hand, string label, string? hash, string note, string patientUrl, string deviceUrl)
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Subject = new ResourceReference(patientUrl),
            Device = new ResourceReference(deviceUrl),
            Method = new CodeableConcept { Text = "Infrared thermography of the dorsal hand during a cold challenge (ThermoHand); see docs/metrics.md" },
            Meta = new Meta(),
        };
        observation.Meta.Tag.Add(new Coding(FhirCodes.AnalysisVersionTagSystem, label));
        if (hash is not null)
        {
            observation.Meta.Tag.Add(new Coding(FhirCodes.SettingsHashTagSystem, hash));
        }

        observation.Note.Add(new Annotation { Text = new Markdown($"Session {input.SessionId}, {(hand == "both" ? "both hands" : hand + " hand")}. {note}") });
        return observation;
    }

    private static (string Label, string? Hash, string Note) Provenance(FhirHandResult hand)
    {
        if (hand.Result.TryGetProperty("provenance", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            var hash = p.TryGetProperty("settings_hash", out var h) ? h.GetString() : null;
            var settings = p.TryGetProperty("settings", out var s) ? s.GetRawText() : "{}";
            return (hand.VersionLabel, hash, $"Analysis version {hand.VersionLabel}, settings hash {hash}; settings {settings}.");
        }

        return (hand.VersionLabel, null, $"Analysis version {hand.VersionLabel} (the device's own result, settings as recorded with the session).");
    }

    private static void AddComponent(Observation observation, FhirSessionInput input, string metric, double? value)
    {
        var component = new Observation.ComponentComponent { Code = MetricCode(input, metric) };
        if (value is { } v)
        {
            component.Value = Quantity(v, FhirCodes.Metrics[metric].Unit);
        }
        else
        {
            component.DataAbsentReason = Absent("not computable: see the analysis quality flags");
        }

        observation.Component.Add(component);
    }

    private static CodeableConcept MetricCode(FhirSessionInput input, string metric) =>
        new(input.MetricCodeSystem, metric, FhirCodes.Metrics[metric].Display, FhirCodes.Metrics[metric].Display);

    private static Quantity Quantity(double value, string ucum) => new()
    {
        Value = Math.Round((decimal)value, 4),
        System = FhirCodes.Ucum,
        Code = ucum,
        Unit = ucum,
    };

    private static CodeableConcept Absent(string text) =>
        new("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown", "Unknown", text);

    private static CodeableConcept BodySite(string hand, string name, int? digit)
    {
        var text = $"{hand} {RegionText(name, digit)}";
        return digit is { } d && FhirCodes.FingerStructures.TryGetValue(d, out var finger)
            ? new CodeableConcept(FhirCodes.Snomed, finger.Code, finger.Display, text)
            : new CodeableConcept(FhirCodes.Snomed, FhirCodes.HandStructure, "Hand structure", text);
    }

    private static string RegionText(string name, int? digit) => digit switch
    {
        1 => "thumb, fingertip (distal phalanx, dorsal skin)",
        2 => "index finger, fingertip (distal phalanx, dorsal skin)",
        3 => "middle finger, fingertip (distal phalanx, dorsal skin)",
        4 => "ring finger, fingertip (distal phalanx, dorsal skin)",
        5 => "little finger, fingertip (distal phalanx, dorsal skin)",
        _ => name == "dorsum" ? "dorsum of hand" : name,
    };

    private static Period? Period(DateTimeOffset? startedUtc, double? fromSeconds, double? toSeconds)
    {
        if (startedUtc is not { } t0 || fromSeconds is not { } from || toSeconds is not { } to)
        {
            return null;
        }

        static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return new Period { Start = Time(t0.AddSeconds(from)), End = Time(t0.AddSeconds(to)) };
    }

    private static List<(double TimeSeconds, double Celsius)> Curve(JsonElement roi)
    {
        var curve = new List<(double, double)>();
        if (roi.TryGetProperty("curve", out var points) && points.ValueKind == JsonValueKind.Array)
        {
            foreach (var point in points.EnumerateArray())
            {
                if (point.ValueKind == JsonValueKind.Array && point.GetArrayLength() == 2
                    && point[0].ValueKind == JsonValueKind.Number && point[1].ValueKind == JsonValueKind.Number)
                {
                    curve.Add((point[0].GetDouble(), point[1].GetDouble()));
                }
            }
        }

        return curve;
    }

    private static double? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : null;

    private static string Urn() => "urn:uuid:" + Guid.NewGuid().ToString("D");
}
