using System.Globalization;
using System.Text.Json;
using ThermoHand.Analysis.Reanalysis;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;

namespace ThermoHand.Exports.Bilateral;

/// <summary>
/// One hand's stored analysis chosen for the summary: its hand ("left"/"right"), the label of the analysis that made
/// it ("device", "v2"…), the result JSON and, when the caller knows it, the settings it was made with (the device's
/// result carries none; a re-analysis carries its own <c>provenance</c>, read when this is null).
/// </summary>
public sealed record HandAnalysis(string Hand, string VersionLabel, JsonElement Result, AnalysisProvenance? Provenance = null);

/// <summary>
/// The Manchester headline of a two-hand session: every metric averaged over the 8 fingers (digits 2–5 of both hands)
/// and the 8-finger DDD mean, computed from the two stored per-hand results by <see cref="HandSummary.Combine"/>
/// (clinical.md §0 [S4][S7]; docs/metrics.md §3). Computed on the clinic's side from what is stored — the device
/// sends one result per hand. When it cannot be computed, <see cref="NotComputedReason"/> says why in the clinic's
/// words; it is never computed from one hand alone, because a 4-finger mean shown as an 8-finger one is a wrong number.
/// </summary>
public sealed class EightFingerSummary
{
    private EightFingerSummary()
    {
    }

    /// <summary>The combination (null when not computed).</summary>
    public BilateralResult? Result { get; private init; }

    /// <summary>Why there is no summary (null when there is one).</summary>
    public string? NotComputedReason { get; private init; }

    /// <summary>Analysis version label of the left hand's result ("device", "v2"…); null when there is none.</summary>
    public string? LeftVersion { get; private init; }

    public string? RightVersion { get; private init; }

    /// <summary>Settings hash of each hand's analysis (docs/reanalysis.md); null when the settings are not known.</summary>
    public string? LeftSettingsHash { get; private init; }

    public string? RightSettingsHash { get; private init; }

    /// <summary>True when both hashes are known and differ: the two hands were analysed with different settings.</summary>
    public bool SettingsDiffer => LeftSettingsHash is not null && RightSettingsHash is not null && LeftSettingsHash != RightSettingsHash;

    /// <summary>What differs between the two hands' settings, in words (right compared with left); empty when not known.</summary>
    public IReadOnlyList<string> SettingsDifferences { get; private init; } = [];

    /// <summary>What the reader must know about a computed summary (fewer than 8 fingers, quality flags, settings).</summary>
    public IReadOnlyList<string> Cautions { get; private init; } = [];

    /// <summary>"left v2, right device" — which analysis of each hand the numbers come from.</summary>
    public string VersionsText => LeftVersion == RightVersion && LeftVersion is not null
        ? $"{LeftVersion} for both hands"
        : $"left {LeftVersion ?? "none"}, right {RightVersion ?? "none"}";

    /// <summary>The spread of a metric by its result-JSON field ("t50_s", "recovery_pct.300", "fit.tau_s"); null when not averaged.</summary>
    public MetricSpread? Spread(string field)
        => SpreadName(field) is { } name ? Result?.EightFingerAverages.FirstOrDefault(s => s.Name == name) : null;

    /// <summary>
    /// The name <see cref="RewarmingMetrics.NamedValues"/> (and so <see cref="HandSummary.Averages"/>) gives a result
    /// field; null for the per-region fields that are not averaged (baseline coverage, noise).
    /// </summary>
    public static string? SpreadName(string field) => field switch
    {
        "baseline_coverage_s" or "noise_c" => null,
        "fit.tau_s" => "tau_s",
        "fit.t_inf_c" => "fit_end_c",
        "fit.r2" => "fit_r2",
        _ when field.StartsWith("recovery_pct.", StringComparison.Ordinal) => "recovery_" + field["recovery_pct.".Length..] + "_pct",
        _ => field,
    };

    /// <summary>
    /// Quality flags after which a hand has no rewarming metrics at all (docs/metrics.md §2): averaging its fingers
    /// would silently make the 8-finger mean a 4-finger one, so the summary is not computed.
    /// </summary>
    public static bool IsBlockingFlag(string flag)
        => flag.StartsWith("no frames", StringComparison.Ordinal)
           || flag.StartsWith("provisional", StringComparison.Ordinal)
           || flag.StartsWith("missing event", StringComparison.Ordinal)
           || flag.Contains("rewarming metrics not computed", StringComparison.Ordinal);

    /// <summary>Combines the final result of each hand; any other hand label (e.g. a device's own "both") is ignored.</summary>
    public static EightFingerSummary Combine(IReadOnlyCollection<HandAnalysis> hands)
    {
        ArgumentNullException.ThrowIfNull(hands);
        var left = hands.FirstOrDefault(h => h.Hand == "left");
        var right = hands.FirstOrDefault(h => h.Hand == "right");
        var leftProvenance = ProvenanceOf(left);
        var rightProvenance = ProvenanceOf(right);
        var differences = leftProvenance is not null && rightProvenance is not null ? rightProvenance.DifferencesFrom(leftProvenance) : [];
        EightFingerSummary NotComputed(string reason) => new()
        {
            NotComputedReason = reason,
            LeftVersion = left?.VersionLabel,
            RightVersion = right?.VersionLabel,
            LeftSettingsHash = leftProvenance?.SettingsHash,
            RightSettingsHash = rightProvenance?.SettingsHash,
            SettingsDifferences = differences,
        };

        if (left is null || right is null)
        {
            return NotComputed(left is null && right is null
                ? "Not computed: neither hand has a final analysis result (yet). The 8-finger summary needs the final results of both hands."
                : $"Not computed: the {(left is null ? "left" : "right")} hand has no final analysis result. The 8-finger summary needs digits 2–5 of both hands; a one-hand session has none.");
        }

        var results = new List<AnalysisResult>();
        foreach (var hand in new[] { left, right })
        {
            AnalysisResult result;
            try
            {
                result = StoredAnalysisReader.Read(hand.Result, hand.Hand);
            }
            catch (FormatException problem)
            {
                return NotComputed($"Not computed: the {hand.Hand} hand's result ({hand.VersionLabel}) could not be read: {problem.Message}.");
            }

            if (result.Provisional)
            {
                return NotComputed($"Not computed: the {hand.Hand} hand's result ({hand.VersionLabel}) is provisional; the summary uses final results only.");
            }

            if (result.Quality.Flags.FirstOrDefault(IsBlockingFlag) is { } flag)
            {
                return NotComputed($"Not computed: the {hand.Hand} hand's result ({hand.VersionLabel}) is flagged \"{flag}\", so its fingers have no rewarming metrics and the average would be over one hand only.");
            }

            if (!result.Rois.Any(r => r.Digit is >= 2 and <= 5))
            {
                return NotComputed($"Not computed: the {hand.Hand} hand's result ({hand.VersionLabel}) has no fingertip region D2–D5.");
            }

            results.Add(result);
        }

        var combined = HandSummary.Combine(results[0], results[1]);
        var cautions = new List<string>();
        var fewer = combined.EightFingerAverages.Where(s => s.Count < 8).Select(s => s.Name).ToList();
        if (fewer.Count > 0)
        {
            cautions.Add(string.Create(CultureInfo.InvariantCulture,
                $"{fewer.Count} of {combined.EightFingerAverages.Count} metrics are averaged over fewer than 8 fingers (n says how many): a finger without a value is left out, never counted as zero."));
        }

        foreach (var (hand, result) in new[] { (left, results[0]), (right, results[1]) })
        {
            if (result.Quality.Flags.Count > 0)
            {
                cautions.Add(string.Create(CultureInfo.InvariantCulture,
                    $"The {hand.Hand} hand's result ({hand.VersionLabel}) has {result.Quality.Flags.Count} quality flag{(result.Quality.Flags.Count == 1 ? "" : "s")}; they apply to the summary too."));
            }
        }

        var summary = new EightFingerSummary
        {
            Result = combined,
            LeftVersion = left.VersionLabel,
            RightVersion = right.VersionLabel,
            LeftSettingsHash = leftProvenance?.SettingsHash,
            RightSettingsHash = rightProvenance?.SettingsHash,
            SettingsDifferences = differences,
            Cautions = cautions,
        };
        if (summary.SettingsDiffer)
        {
            // The list is the one the summary holds: adding here is seen by its readers.
            cautions.Add($"The two hands were analysed with different settings (left {summary.LeftSettingsHash}, right {summary.RightSettingsHash})"
                + (differences.Count > 0 ? ": " + string.Join("; ", differences) + " (left → right)." : "."));
        }

        return summary;
    }

    private static AnalysisProvenance? ProvenanceOf(HandAnalysis? hand)
    {
        if (hand is null)
        {
            return null;
        }

        if (hand.Provenance is not null)
        {
            return hand.Provenance;
        }

        if (hand.Result.ValueKind == JsonValueKind.Object && hand.Result.TryGetProperty("provenance", out var provenance))
        {
            try
            {
                return AnalysisProvenance.Read(provenance);
            }
            catch (Exception problem) when (problem is FormatException or InvalidOperationException or KeyNotFoundException)
            {
                // Unreadable settings leave the hash unknown; the numbers themselves do not depend on reading it.
                return null;
            }
        }

        return null;
    }
}
