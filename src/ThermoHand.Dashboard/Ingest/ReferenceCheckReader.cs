using System.Globalization;
using System.Text.Json;
using static ThermoHand.Dashboard.Ingest.DeviceMessageInterpreter;

namespace ThermoHand.Dashboard.Ingest;

/// <summary>
/// Reads one <c>reference_check</c> object (docs/device-stream.md) into a <see cref="ReferenceCheckReading"/>. Pure.
/// The numbers are shown to clinicians and technicians, so a check whose numbers contradict each other (a "pass" with
/// an error beyond the limit, an error that is not measured − target) breaks the contract instead of being shown.
/// </summary>
internal static class ReferenceCheckReader
{
    /// <summary>
    /// Slack for the device's rounding: it sends measured, target and error rounded to 0.001 °C each, so error and
    /// measured − target may differ by up to 0.001 °C, and |error| may sit up to 0.0005 °C either side of the limit.
    /// </summary>
    private const double RoundingSlackC = 0.0015;

    public static ReferenceCheckReading Read(JsonElement check, string field)
    {
        if (check.ValueKind != JsonValueKind.Object)
        {
            throw new PayloadException(field, "must be an object");
        }

        try
        {
            return ReadObject(check);
        }
        catch (PayloadException problem)
        {
            throw new PayloadException($"{field}.{problem.Field}", problem.Message);
        }
    }

    private static ReferenceCheckReading ReadObject(JsonElement check)
    {
        var target = Temperature(check, "reference_c") ?? throw new PayloadException("reference_c", "is required");
        var measured = Temperature(check, "measured_c");
        var error = OptionalNumber(check, "error_c");
        var limit = RequiredNumber(check, "tolerance_c");
        if (limit <= 0)
        {
            throw new PayloadException("tolerance_c", "must be more than 0 °C");
        }

        if (measured.HasValue != error.HasValue)
        {
            throw new PayloadException("error_c", "and 'measured_c' must both be numbers or both be null (null: no image was measured)");
        }

        var pass = Required(check, "pass");
        if (pass.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new PayloadException("pass", "must be true or false");
        }

        var passed = pass.GetBoolean();
        if (error is { } e && measured is { } m)
        {
            if (Math.Abs(e - (m - target)) > RoundingSlackC)
            {
                throw new PayloadException("error_c", Invariant($"is {e} °C but measured − reference is {m - target:0.###} °C"));
            }

            if (passed && Math.Abs(e) > limit + RoundingSlackC)
            {
                throw new PayloadException("pass", Invariant($"is true but |error| {Math.Abs(e):0.###} °C is beyond the ±{limit:0.###} °C limit"));
            }

            if (!passed && Math.Abs(e) < limit - RoundingSlackC)
            {
                throw new PayloadException("pass", Invariant($"is false but |error| {Math.Abs(e):0.###} °C is within the ±{limit:0.###} °C limit"));
            }
        }
        else if (passed)
        {
            throw new PayloadException("pass", "is true but no image was measured (measured_c is null)");
        }

        var checkedAt = Required(check, "checked_utc");
        if (checkedAt.ValueKind != JsonValueKind.String)
        {
            throw new PayloadException("checked_utc", "must be an ISO 8601 time");
        }

        return new ReferenceCheckReading(
            RequiredString(check, "sensor_id"),
            OptionalHand(check, "hand"),
            RequiredString(check, "calibration_id"), // "factory" when the sensor had no site calibration
            ParseTime(checkedAt, "checked_utc"),
            target, measured, error, limit,
            Count(check, "images"),
            Count(check, "region_pixels"),
            OptionalNumber(check, "region_spread_c"),
            passed,
            OptionalString(check, "message"));
    }

    /// <summary>A temperature within what the dashboard can store and show (the frames' range; the sensor's −40..300 °C lies inside).</summary>
    private static double? Temperature(JsonElement check, string name)
    {
        var value = OptionalNumber(check, name);
        return value is { } c && (c < FrameTemperatureCodec.MinimumC || c > FrameTemperatureCodec.MaximumC)
            ? throw new PayloadException(name, Invariant($"is {c} °C, outside the storable range"))
            : value;
    }

    private static int? Count(JsonElement check, string name)
    {
        if (!check.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 0
            ? count
            : throw new PayloadException(name, "must be a whole number, 0 or more, or null");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
