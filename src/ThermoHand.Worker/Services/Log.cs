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
}
