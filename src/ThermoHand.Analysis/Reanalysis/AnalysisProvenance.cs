using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ThermoHand.Analysis.Reanalysis;

/// <summary>Where the temperatures an analysis ran over came from.</summary>
public enum AnalysisSource
{
    /// <summary>"device-live": the device analysed the frames as they were measured.</summary>
    DeviceLive,

    /// <summary>"stored-frames": a re-analysis of the temperature frames the dashboard stored.</summary>
    StoredFrames,

    /// <summary>"recording": a re-analysis of a .threc recording, temperatures recomputed from the raw subpages.</summary>
    Recording,

    /// <summary>"frame-csv": an analysis of an exported frame CSV (temperatures as exported).</summary>
    FrameCsv,
}

/// <summary>The site calibration an analysis used: its id ("SENSOR/vN") and the sha256 its file carries.</summary>
public sealed record CalibrationReference(string Id, string Sha256);

/// <summary>
/// The settings that produced one analysis result, so a study can state exactly which analysis made its numbers
/// (docs/reanalysis.md). <see cref="SettingsHash"/> covers the analysis choices — emissivity, reflected-temperature
/// rule, region method, rewarming overrides and site calibration — not where the frames came from nor the software
/// build (quoted beside it: the device does not report its build per session), so the device's result and a
/// re-analysis with the same settings share a hash and differ only in <see cref="Source"/>.
/// </summary>
public sealed record AnalysisProvenance
{
    public const string Schema = "thermohand/analysis-provenance/v1";

    /// <summary>The analysis software, e.g. "ThermoHand.Analysis 1.0.0.0".</summary>
    public required string Software { get; init; }

    public required AnalysisSource Source { get; init; }

    /// <summary>The emissivity the analysed temperatures correspond to (null when unknown, e.g. a frame CSV).</summary>
    public double? Emissivity { get; init; }

    /// <summary>The reflected-temperature rule as recorded, e.g. "Ta - 8" or "fixed 22.0 C" (null when unknown).</summary>
    public string? ReflectedTemperature { get; init; }

    /// <summary>"unmixed-fingertip-per-digit" (default), "unmixed-fingertip" (one width) or "covered-pixel-mean" (<see cref="RegionMethods"/>).</summary>
    public required string RegionMethod { get; init; }

    /// <summary><see cref="Rewarming.RewarmingSettings"/> values that differ from the defaults, by property name.</summary>
    public IReadOnlyDictionary<string, double> RewarmingOverrides { get; init; } = new SortedDictionary<string, double>(StringComparer.Ordinal);

    /// <summary>The site calibration the analysed temperatures carry; null = factory calibration only.</summary>
    public CalibrationReference? Calibration { get; init; }

    /// <summary>What the analysis was based on, e.g. "device" or "v2" (null for the device's own result).</summary>
    public string? BasedOn { get; init; }

    /// <summary>How the settings were applied, in words (e.g. how an emissivity change was made); not hashed.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The software name and version of this assembly, as written into every provenance.</summary>
    public static string CurrentSoftware =>
        "ThermoHand.Analysis " + (typeof(AnalysisProvenance).Assembly.GetName().Version?.ToString() ?? "unknown");

    /// <summary>The word for a source in the JSON.</summary>
    public static string SourceName(AnalysisSource source) => source switch
    {
        AnalysisSource.DeviceLive => "device-live",
        AnalysisSource.StoredFrames => "stored-frames",
        AnalysisSource.Recording => "recording",
        AnalysisSource.FrameCsv => "frame-csv",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "unknown analysis source"),
    };

    /// <summary>
    /// Canonical JSON of the hashed settings: keys in ordinal order, no white space, numbers in their shortest
    /// round-trip form, so the same settings always give the same bytes on any machine.
    /// </summary>
    public string CanonicalSettingsJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteSettings(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>First 16 hex digits of the SHA-256 of <see cref="CanonicalSettingsJson"/>: short enough to quote in a paper.</summary>
    public string SettingsHash
    {
        get
        {
            var digest = SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalSettingsJson()));
            return Convert.ToHexStringLower(digest)[..16];
        }
    }

    /// <summary>The whole provenance as canonical JSON (ordered keys, no white space).</summary>
    public string ToCanonicalJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the provenance object (keys in ordinal order; "settings" is exactly what the hash covers).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        if (BasedOn is null)
        {
            writer.WriteNull("based_on");
        }
        else
        {
            writer.WriteString("based_on", BasedOn);
        }

        writer.WritePropertyName("notes");
        writer.WriteStartArray();
        foreach (var note in Notes)
        {
            writer.WriteStringValue(note);
        }

        writer.WriteEndArray();
        writer.WriteString("schema", Schema);
        writer.WritePropertyName("settings");
        WriteSettings(writer);
        writer.WriteString("settings_hash", SettingsHash);
        writer.WriteString("software", Software);
        writer.WriteString("source", SourceName(Source));
        writer.WriteEndObject();
    }

    /// <summary>Reads a provenance object written by <see cref="WriteTo"/>; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static AnalysisProvenance Read(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("settings", out var settings) || settings.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("provenance: a \"settings\" object is required");
        }

        var sourceText = element.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        var source = Enum.GetValues<AnalysisSource>().FirstOrDefault(v => SourceName(v) == sourceText, (AnalysisSource)(-1));
        if (!Enum.IsDefined(source))
        {
            throw new FormatException($"provenance: unknown source \"{sourceText}\"");
        }

        var overrides = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (settings.TryGetProperty("rewarming_overrides", out var o) && o.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in o.EnumerateObject())
            {
                overrides[property.Name] = property.Value.GetDouble();
            }
        }

        CalibrationReference? calibration = null;
        if (settings.TryGetProperty("calibration", out var c) && c.ValueKind == JsonValueKind.Object)
        {
            calibration = new CalibrationReference(c.GetProperty("id").GetString() ?? "", c.GetProperty("sha256").GetString() ?? "");
        }

        return new AnalysisProvenance
        {
            Software = Text(element, "software") ?? "unknown",
            Source = source,
            Emissivity = settings.TryGetProperty("emissivity", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null,
            ReflectedTemperature = Text(settings, "reflected_temperature"),
            RegionMethod = Text(settings, "region_method") ?? RegionMethods.UnmixedFingertipOneWidth, // written before the field was required: the one-width model
            RewarmingOverrides = overrides,
            Calibration = calibration,
            BasedOn = Text(element, "based_on"),
            Notes = element.TryGetProperty("notes", out var n) && n.ValueKind == JsonValueKind.Array
                ? n.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
                : [],
        };
    }

    /// <summary>What differs in the hashed settings between <paramref name="reference"/> (e.g. the device's) and this one, in words.</summary>
    public IReadOnlyList<string> DifferencesFrom(AnalysisProvenance reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var changes = new List<string>();
        static string Number(double? v) => v is { } x ? x.ToString("0.###", CultureInfo.InvariantCulture) : "unknown";
        if (reference.Emissivity != Emissivity)
        {
            changes.Add($"emissivity {Number(reference.Emissivity)} → {Number(Emissivity)}");
        }

        if (reference.ReflectedTemperature != ReflectedTemperature)
        {
            changes.Add($"reflected temperature {reference.ReflectedTemperature ?? "unknown"} → {ReflectedTemperature ?? "unknown"}");
        }

        if (reference.RegionMethod != RegionMethod)
        {
            changes.Add($"region method {reference.RegionMethod} → {RegionMethod}");
        }

        if (reference.Calibration != Calibration)
        {
            changes.Add($"site calibration {reference.Calibration?.Id ?? "none"} → {Calibration?.Id ?? "none"}");
        }

        foreach (var key in reference.RewarmingOverrides.Keys.Union(RewarmingOverrides.Keys).Order(StringComparer.Ordinal))
        {
            double? before = reference.RewarmingOverrides.TryGetValue(key, out var b) ? b : null;
            double? after = RewarmingOverrides.TryGetValue(key, out var a) ? a : null;
            if (before != after)
            {
                changes.Add($"{key} {(before is null ? "default" : Number(before))} → {(after is null ? "default" : Number(after))}");
            }
        }

        // The software build is quoted beside the hash, not compared: the device does not report its build per session.
        return changes;
    }

    private void WriteSettings(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("calibration");
        if (Calibration is { } calibration)
        {
            writer.WriteStartObject();
            writer.WriteString("id", calibration.Id);
            writer.WriteString("sha256", calibration.Sha256.ToLowerInvariant());
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        if (Emissivity is { } emissivity)
        {
            writer.WriteNumber("emissivity", emissivity);
        }
        else
        {
            writer.WriteNull("emissivity");
        }

        if (ReflectedTemperature is null)
        {
            writer.WriteNull("reflected_temperature");
        }
        else
        {
            writer.WriteString("reflected_temperature", ReflectedTemperature);
        }

        writer.WriteString("region_method", RegionMethod);
        writer.WritePropertyName("rewarming_overrides");
        writer.WriteStartObject();
        foreach (var (name, value) in RewarmingOverrides.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteNumber(name, value);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
