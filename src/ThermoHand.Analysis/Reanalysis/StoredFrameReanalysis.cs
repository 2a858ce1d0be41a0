using ThermoHand.Analysis.Regions;
using ThermoHand.Analysis.Results;
using ThermoHand.Analysis.Rewarming;

namespace ThermoHand.Analysis.Reanalysis;

/// <summary>
/// Re-runs the real <see cref="RewarmingSessionAnalyser"/> over stored temperature frames with changed settings:
/// per frame, the recorded site calibration is removed, the emissivity re-derived
/// (<see cref="EmissivityRederivation"/>) and the chosen calibration applied — only when one of them changes — then
/// the region tracker (with the plan's region method) and the rewarming metrics run as on the device.
/// </summary>
public static class StoredFrameReanalysis
{
    /// <summary>Checks the plan against what the frames need; throws <see cref="ReanalysisException"/> saying what is missing.</summary>
    public static void Validate(ReanalysisPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        try
        {
            _ = RegionMethods.Options(plan.RegionMethod);
            _ = RewarmingOverrides.Apply(plan.RewarmingOverrides);
        }
        catch (ArgumentException e)
        {
            throw new ReanalysisException(e.Message);
        }

        if (plan.Emissivity is { } target)
        {
            if (!(target > 0 && target <= 1))
            {
                throw new ReanalysisException($"emissivity {target} is not possible: give a number above 0 and at most 1 (human skin ≈ 0.98)");
            }

            if (plan.ChangesEmissivity && plan.RecordedEmissivity is null)
            {
                throw new ReanalysisException("the session does not say which emissivity its temperatures were computed with, so it cannot be changed: re-analyse the .threc recording with the command line instead");
            }

            if (plan.ChangesEmissivity && plan.ReflectedCelsiusAt is null)
            {
                throw new ReanalysisException("an emissivity change needs the reflected temperature the device used, and the session does not record it: re-analyse the .threc recording with the command line instead");
            }
        }
    }

    /// <summary>
    /// The re-analysis of one hand. <paramref name="progress"/> receives the number of frames done; the result carries
    /// the plan's provenance.
    /// </summary>
    public static AnalysisResult Run(
        Hand hand,
        IEnumerable<ThermalFrame> frames,
        IEnumerable<SessionEvent> events,
        ReanalysisPlan plan,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(events);
        Validate(plan);
        using var tracker = new HandRegionTracker(hand, RegionMethods.Options(plan.RegionMethod));
        var analyser = new RewarmingSessionAnalyser(tracker, RewarmingOverrides.Apply(plan.RewarmingOverrides));
        foreach (var e in events)
        {
            analyser.AddEvent(e);
        }

        var transform = plan.ChangesEmissivity || plan.ChangesCalibration;
        var done = 0;
        var missingReflected = 0;
        foreach (var frame in frames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var analysed = frame;
            if (transform)
            {
                var temperatures = frame.TemperaturesCelsius.ToArray();
                if (!Correct(temperatures, frame.TimeSeconds, plan))
                {
                    missingReflected++;
                }

                analysed = new ThermalFrame(frame.TimeSeconds, temperatures);
            }

            analyser.AddFrame(analysed);
            if (++done % 100 == 0)
            {
                progress?.Report(done);
            }
        }

        progress?.Report(done);
        var result = analyser.Complete();
        if (missingReflected > 0)
        {
            // Never silently: frames without a reflected temperature were analysed with their pixels invalid.
            var flags = result.Quality.Flags.Append($"reanalysis: {missingReflected} frames had no reflected temperature for the emissivity change; their pixels were left out").ToList();
            result = result with { Quality = result.Quality with { Flags = flags } };
        }

        return result with { Provenance = plan.Provenance() };
    }

    /// <summary>One image from recorded settings to the plan's; false when the reflected temperature was missing (pixels set invalid).</summary>
    internal static bool Correct(float[] temperatures, double timeSeconds, ReanalysisPlan plan)
    {
        plan.RecordedCalibration?.Remove(temperatures);
        var complete = true;
        if (plan.ChangesEmissivity)
        {
            if (plan.ReflectedCelsiusAt!(timeSeconds) is { } reflected)
            {
                EmissivityRederivation.Rederive(temperatures, plan.RecordedEmissivity!.Value, plan.Emissivity!.Value, reflected);
            }
            else
            {
                Array.Fill(temperatures, float.NaN);
                complete = false;
            }
        }

        plan.Calibration?.Apply(temperatures);
        return complete;
    }
}
