using System.Globalization;
using ThermoHand.Worker.Protocol;

namespace ThermoHand.Worker.Storage;

/// <summary>Free space on the disk that holds a folder. An interface so tests can fill the disk without filling it.</summary>
public interface IFreeSpaceProbe
{
    long FreeBytes(string folder);
}

/// <summary>The real disk: <see cref="DriveInfo.AvailableFreeSpace"/> (space available to this user) of the folder's drive.</summary>
public sealed class DriveFreeSpaceProbe : IFreeSpaceProbe
{
    public long FreeBytes(string folder) => new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace;
}

/// <summary>
/// How much disk a session needs, estimated before it starts so a session is never begun on a disk that cannot hold it.
/// Per hand and minute: the recording (docs/recording-format.md measured 105 KiB/min at 4 Hz subpages on a static
/// scene and 130 KiB/min with more noise; a moving hand costs more, so we budget half of raw, 50 %, not the measured
/// 27 %) plus the dashboard queue, which holds every frame (about 3 KB per image, docs/device-stream.md) until the
/// dashboard acknowledges it and may have to hold the whole session when the dashboard is unreachable.
/// </summary>
public static class DiskSpaceBudget
{
    /// <summary>A raw subpage record: 9 bytes framing + 10 payload header + 834 words (docs/recording-format.md).</summary>
    public const int RawSubpageRecordBytes = 1687;

    /// <summary>Budgeted share of raw for the default PreviousDeltaDeflate encoding (measured 27 % on a static scene).</summary>
    public const double RecordingShareOfRaw = 0.5;

    /// <summary>A frame message in the dashboard queue: 768 temperatures as JSON plus regions and framing.</summary>
    public const int QueuedFrameBytes = 8 * 1024;

    /// <summary>Extra time budgeted beyond the preset (waiting for the patient, pauses).</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMinutes(15);

    /// <summary>Bytes per hand per minute at <paramref name="subpageRateHz"/> subpages per second.</summary>
    public static double BytesPerHandMinute(double subpageRateHz)
    {
        double subpagesPerMinute = subpageRateHz * 60;
        double recording = subpagesPerMinute * RawSubpageRecordBytes * RecordingShareOfRaw;
        double queue = subpagesPerMinute / 2 * QueuedFrameBytes; // two subpages make one image
        return recording + queue;
    }

    /// <summary>The estimated bytes a whole session of <paramref name="preset"/> needs for <paramref name="hands"/> hands.</summary>
    public static long Estimate(ProtocolPreset preset, int hands, double subpageRateHz)
    {
        ArgumentNullException.ThrowIfNull(preset);
        TimeSpan duration = preset.Acclimatisation + preset.BaselineCapture + preset.Immersion + preset.Rewarming + Slack;
        return (long)Math.Ceiling(BytesPerHandMinute(subpageRateHz) * duration.TotalMinutes * hands);
    }

    /// <summary>Null when a session fits; otherwise the message that refuses it.</summary>
    public static string? CheckBeforeStart(long freeBytes, long neededBytes, long marginBytes, string folder) =>
        freeBytes >= neededBytes + marginBytes
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"not enough free disk space to start a session: {Megabytes(freeBytes)} free in {folder}, the session needs about " +
                $"{Megabytes(neededBytes)} plus the {Megabytes(marginBytes)} kept free (Storage:MinimumFreeMegabytes). Copy old recordings off the device and delete them.");

    public static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
}
