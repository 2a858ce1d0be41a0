using ThermoHand.Analysis;
using ThermoHand.Mlx90640;

namespace ThermoHand.Recording.Native;

/// <summary>What an environment reading measures. Values are part of the file format: never renumber.</summary>
public enum EnvironmentQuantity : byte
{
    /// <summary>Room air temperature, °C.</summary>
    RoomTemperature = 1,

    /// <summary>Room relative humidity, %.</summary>
    RoomHumidity = 2,

    /// <summary>Water-bath temperature of the cold challenge, °C.</summary>
    WaterBathTemperature = 3,
}

/// <summary>One reading of the room or the water bath on the session clock; <see cref="Source"/> names the instrument or "manual".</summary>
public sealed record EnvironmentReading(double TimeSeconds, EnvironmentQuantity Quantity, double Value, string Source)
{
    public string Unit => Quantity == EnvironmentQuantity.RoomHumidity ? "%" : "°C";
}

/// <summary>A free-form note on the session clock, e.g. ("operator", "JD") or ("note", "patient moved at 412 s").</summary>
public sealed record Annotation(double TimeSeconds, string Key, string Value);

/// <summary>One record read back from a recording. Use a switch on the concrete type.</summary>
public abstract record RecordingEntry(double TimeSeconds);

/// <summary>A raw subpage; <see cref="Subpage"/> is a new buffer owned by the caller.</summary>
public sealed record SubpageEntry(RawSubpage Subpage) : RecordingEntry(Subpage.TimeSeconds);

public sealed record EventEntry(SessionEvent Event) : RecordingEntry(Event.TimeSeconds);

public sealed record EnvironmentEntry(EnvironmentReading Reading) : RecordingEntry(Reading.TimeSeconds);

public sealed record AnnotationEntry(Annotation Annotation) : RecordingEntry(Annotation.TimeSeconds);

/// <summary>The problem with a file that is not a readable recording at all (bad magic, unknown major version, damaged header).</summary>
public sealed class RecordingFormatException(string message) : Exception(message);
