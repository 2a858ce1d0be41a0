using System.Globalization;
using Microsoft.Extensions.Logging;
using ThermoHand.Recording.Native;
using ThermoHand.Streaming;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Services;
using ThermoHand.Worker.Streaming;

namespace ThermoHand.Worker.Storage;

/// <summary>What recovery found for one interrupted session.</summary>
public sealed record RecoveredSession(string SessionId, long Subpages, double? LastTimeSeconds, IReadOnlyList<string> Integrity);

/// <summary>
/// At start-up, closes every session a crash or power cut left "running": reads each of its recordings back to the
/// last complete record (the reader stops there; the file is not modified — it is patient data), stores the state,
/// subpage count and last time with the "recovered" flag, and queues session_ended{outcome: recovered} so the
/// dashboard knows the session will get no more data.
/// </summary>
public static class SessionRecovery
{
    public static IReadOnlyList<RecoveredSession> RecoverInterrupted(SessionStore store, SessionFiles files, IDeviceOutbox outbox, DateTimeOffset now, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(outbox);
        var recovered = new List<RecoveredSession>();
        foreach (StoredSession session in store.WithState(SessionStates.Running))
        {
            long subpages = 0;
            double? last = null;
            var notes = new List<string>();
            foreach (string name in session.RecordingFiles)
            {
                string path = Path.Combine(files.SessionFolder(session.Id), name);
                if (!File.Exists(path))
                {
                    notes.Add($"{name}: missing");
                    continue;
                }

                try
                {
                    RecordingInfo info = RecordingInfo.Read(path);
                    subpages += info.SubpageCount;
                    double? fileLast = info.Integrity.LastTimeSeconds ?? info.LastSubpageSeconds;
                    if (fileLast is { } t && (last is null || t > last))
                    {
                        last = t;
                    }

                    notes.Add($"{name}: {info.Integrity.Describe()}");
                }
                catch (Exception e) when (e is RecordingFormatException or IOException)
                {
                    notes.Add($"{name}: unreadable ({e.Message})");
                }
            }

            string reason = string.Create(CultureInfo.InvariantCulture,
                $"the worker stopped without closing the session (crash or power cut); recordings kept up to {last ?? 0:0.0} s");
            store.End(session.Id, SessionStates.Recovered, "recovered", reason, now, subpages, last, recovered: true);
            try
            {
                outbox.Enqueue(DeviceMessageKinds.SessionEnded, session.Id, DeviceMessages.SessionEnded(Math.Round(last ?? 0, 3), "recovered", reason));
            }
            catch (IOException e)
            {
                Log.OutboxFailed(logger, DeviceMessageKinds.SessionEnded, e.Message);
            }

            Log.SessionRecovered(logger, session.Id, subpages, last ?? 0, string.Join("; ", notes));
            recovered.Add(new RecoveredSession(session.Id, subpages, last, notes));
        }

        return recovered;
    }
}
