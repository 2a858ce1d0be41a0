using Microsoft.Extensions.Logging;

namespace ThermoHand.Worker.Services;

/// <summary>Every log message of the worker, in one place (eShop style).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "ThermoHand worker configuration: {Line}")]
    public static partial void ConfigurationLine(ILogger logger, string line);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Protocol event {Type} at {TimeSeconds:0.0} s")]
    public static partial void ProtocolEvent(ILogger logger, string type, double timeSeconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Protocol deviation {Code} at {TimeSeconds:0.0} s: {Message}")]
    public static partial void ProtocolDeviation(ILogger logger, string code, double timeSeconds, string message);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Button press: {Command} {Result}")]
    public static partial void ButtonCommand(ILogger logger, string command, string result);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Room {TemperatureCelsius:0.00} °C, {HumidityPercent:0} % RH")]
    public static partial void RoomReading(ILogger logger, double temperatureCelsius, double humidityPercent);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Water bath {TemperatureCelsius:0.00} °C")]
    public static partial void BathReading(ILogger logger, double temperatureCelsius);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "{Device} read failed; will retry in {IntervalSeconds} s")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string device, double intervalSeconds);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "ThermoHand worker ready; storage folder {StoragePath}")]
    public static partial void Ready(ILogger logger, string storagePath);

    // Pipeline, storage and health (EventId 100+). Sessions are named by their random id, never by the patient reference.
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Session {SessionId} started: hands {Hands}, preset {Preset}, recordings in {Folder}")]
    public static partial void SessionStarted(ILogger logger, string sessionId, string hands, string preset, string folder);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Session not started: {Reason}")]
    public static partial void SessionStartRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Session {SessionId} ended ({Outcome}): {Subpages} subpages recorded up to {LastTimeSeconds:0.0} s{Reason}")]
    public static partial void SessionEnded(ILogger logger, string sessionId, string outcome, long subpages, double lastTimeSeconds, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Session {SessionId} was interrupted (worker stopped without closing it); recovered {Subpages} subpages up to {LastTimeSeconds:0.0} s: {Integrity}")]
    public static partial void SessionRecovered(ILogger logger, string sessionId, long subpages, double lastTimeSeconds, string integrity);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Sensor {Sensor}: storage is slower than acquisition (queue of {Capacity} subpages full, {Waits} waits so far); acquisition waits, nothing is dropped")]
    public static partial void StorageBackPressure(ILogger logger, string sensor, int capacity, long waits);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Sensor {Sensor}: subpage read failed ({Failures} failures so far); reading again")]
    public static partial void SensorReadFailed(ILogger logger, Exception exception, string sensor, long failures);

    [LoggerMessage(EventId = 106, Level = LogLevel.Error, Message = "Session {SessionId}: recording of the {Hand} hand stopped: {Problem}. Everything recorded before is kept; the session is being stopped")]
    public static partial void RecordingFailed(ILogger logger, string sessionId, string hand, string problem);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "Storage nearly full: {Free} free in {Folder}, below the {Margin} kept free (Storage:MinimumFreeMegabytes); stopping the session cleanly")]
    public static partial void DiskNearlyFull(ILogger logger, string free, string folder, string margin);

    [LoggerMessage(EventId = 108, Level = LogLevel.Error, Message = "Analysis unavailable: {Reason}")]
    public static partial void AnalysisUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "Health {Status}: {Summary}")]
    public static partial void HealthChanged(ILogger logger, string status, string summary);

    [LoggerMessage(EventId = 110, Level = LogLevel.Error, Message = "Dashboard queue: could not queue a {Kind} message: {Problem}")]
    public static partial void OutboxFailed(ILogger logger, string kind, string problem);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Auto-clinician: {Command} {Result}")]
    public static partial void AutoClinician(ILogger logger, string command, string result);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "Sensor {Sensor} ({Kind}) for the {Hand} hand: MLX90640 id {SensorId}, control register 0x{Control:X4}")]
    public static partial void SensorOpened(ILogger logger, string sensor, string kind, string hand, string sensorId, ushort control);

    [LoggerMessage(EventId = 113, Level = LogLevel.Information, Message = "Worker running on a simulated clock {Scale}x faster than real time")]
    public static partial void SimulatedClock(ILogger logger, double scale);

    [LoggerMessage(EventId = 114, Level = LogLevel.Error, Message = "Session {SessionId}: {What} failed")]
    public static partial void SessionStepFailed(ILogger logger, Exception exception, string sessionId, string what);

    // Site calibration and the reference check (EventId 150+, docs/worker.md "Site calibration").
    [LoggerMessage(EventId = 150, Level = LogLevel.Information, Message = "Sensor {Sensor}: {Description}; file sha256 {Sha256}")]
    public static partial void CalibrationApplied(ILogger logger, string sensor, string description, string sha256);

    [LoggerMessage(EventId = 151, Level = LogLevel.Warning, Message = "Sensor {Sensor}: {Description}")]
    public static partial void CalibrationWarning(ILogger logger, string sensor, string description);

    [LoggerMessage(EventId = 152, Level = LogLevel.Error, Message = "Sensor {Sensor}: {Problem}")]
    public static partial void CalibrationRefused(ILogger logger, string sensor, string problem);

    [LoggerMessage(EventId = 153, Level = LogLevel.Information, Message = "Reference check: {Message}")]
    public static partial void ReferenceCheckPassed(ILogger logger, string message);

    [LoggerMessage(EventId = 154, Level = LogLevel.Warning, Message = "Reference check: {Message}")]
    public static partial void ReferenceCheckFailed(ILogger logger, string message);
}
