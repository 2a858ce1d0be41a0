using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using ThermoHand.Dashboard.Extensions;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;
using ThermoHand.Streaming;

namespace ThermoHand.Dashboard.Apis;

/// <summary>
/// Issues clinicians' commands to devices and takes the devices' answers (docs/dashboard.md, "Starting a test from the
/// live page"; docs/device-stream.md, "Commands"). Checks what it can before storing (known device, known kind, the
/// device's patient-reference rule, known preset and hands), so nothing half-valid is queued; audits every command and
/// every answer. Nothing here is written to the application log: commands carry patient references.
/// </summary>
public sealed class DeviceCommandDesk(IClinicStore clinic, IDeviceCommandStore commands, AuditTrail audit, TimeProvider clock)
{
    /// <summary>A command its device has not answered within this time is shown as expired and no longer handed out.</summary>
    public static readonly TimeSpan ExpireAfter = TimeSpan.FromMinutes(3);

    /// <summary>What a clinician asked for, as the form sends it.</summary>
    public sealed record Request(string Kind, string? PatientReference, string? Preset, string? Hands);

    /// <summary>Checks and stores a command; the problem (what is wrong and what to do) when it cannot be issued.</summary>
    public async Task<(StoredDeviceCommand? Command, string? Problem)> IssueAsync(ClaimsPrincipal user, string deviceId, Request request, CancellationToken cancellationToken)
    {
        if (await clinic.FindDeviceAsync(deviceId, cancellationToken) is null)
        {
            return (null, $"No device '{deviceId}' is registered.");
        }

        string? patient = null, preset = null, hands = null;
        switch (request.Kind)
        {
            case DeviceCommandKinds.StartSession:
                patient = request.PatientReference?.Trim();
                if (DeviceCommandChoices.CheckPatientReference(patient) is { } bad)
                {
                    return (null, "Not sent: " + bad + ".");
                }

                preset = request.Preset?.Trim().ToLowerInvariant();
                if (preset is null || !DeviceCommandChoices.PresetNames.Contains(preset))
                {
                    return (null, $"Not sent: choose a protocol ({string.Join(", ", DeviceCommandChoices.PresetNames)}).");
                }

                hands = request.Hands?.Trim().ToLowerInvariant();
                if (hands is null || !DeviceCommandChoices.Hands.Contains(hands))
                {
                    return (null, "Not sent: choose the hand(s): left, right or both.");
                }

                break;
            case DeviceCommandKinds.AbortSession or DeviceCommandKinds.ReferenceCheck:
                break;
            default:
                return (null, $"Not sent: unknown command '{request.Kind}'.");
        }

        var now = clock.GetUtcNow();
        var command = new NewDeviceCommand(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), deviceId, request.Kind, patient, preset, hands,
            user.UserName(), now);
        var stored = await commands.IssueCommandAsync(command, cancellationToken);
        await audit.RecordAsync(user, "issue_device_command", "device", deviceId,
            $"{stored.CommandId} {stored.Kind}{(patient is null ? "" : $" patient {patient} preset {preset} hands {hands}")}", cancellationToken);
        return (stored, null);
    }

    /// <summary>The device's commands still to answer (marked delivered), as the device API sends them.</summary>
    public async Task<DeviceCommandList> TakeAsync(string deviceId, CancellationToken cancellationToken)
    {
        var waiting = await commands.TakeCommandsAsync(deviceId, clock.GetUtcNow() - ExpireAfter, cancellationToken);
        return new DeviceCommandList(waiting.Select(c => new DeviceCommand(c.CommandId, c.Kind, c.IssuedUtc, c.PatientReference, c.Preset, c.Hands)).ToList());
    }

    /// <summary>The newest commands of a device for the live page.</summary>
    public Task<IReadOnlyList<StoredDeviceCommand>> RecentAsync(string deviceId, CancellationToken cancellationToken) =>
        commands.ListCommandsAsync(deviceId, clock.GetUtcNow() - ExpireAfter, 8, cancellationToken);

    /// <summary>Records a device's answer (audited); the problem when the answer itself is malformed.</summary>
    public async Task<(CommandAnswerOutcome Outcome, StoredDeviceCommand? Command, string? Problem)> AnswerAsync(
        string deviceId, string commandId, DeviceCommandResult? result, CancellationToken cancellationToken)
    {
        if (result is null || !DeviceCommandOutcomes.IsKnown(result.Outcome))
        {
            return (CommandAnswerOutcome.Unknown, null, $"outcome must be '{DeviceCommandOutcomes.Done}' or '{DeviceCommandOutcomes.Refused}'");
        }

        if (string.IsNullOrWhiteSpace(result.Message) || result.Message.Length > 2000)
        {
            return (CommandAnswerOutcome.Unknown, null, "message must say what happened, in 1–2000 characters");
        }

        if (result.SessionId is { Length: > 100 })
        {
            return (CommandAnswerOutcome.Unknown, null, "session_id is longer than 100 characters");
        }

        var (outcome, stored) = await commands.AnswerCommandAsync(deviceId, commandId, result.Outcome == DeviceCommandOutcomes.Done,
            result.Message.Trim(), result.SessionId, cancellationToken);
        if (outcome == CommandAnswerOutcome.Recorded)
        {
            await audit.RecordAsync("device:" + deviceId, "answer_device_command", "device", deviceId,
                $"{commandId} {stored!.Kind}: {stored.State}: {stored.ResultMessage}", cancellationToken);
        }

        return (outcome, stored, null);
    }
}

/// <summary>How the live page words a command and where it stands.</summary>
public static class DeviceCommandWords
{
    /// <summary>What was asked, e.g. "Start test: RP-0042, manchester, both hands" (the reference only when <paramref name="showPatient"/>).</summary>
    public static string What(StoredDeviceCommand command, bool showPatient) => command.Kind switch
    {
        DeviceCommandKinds.StartSession => $"Start test: {(showPatient ? command.PatientReference + ", " : "")}{command.Preset}, {HandsText(command.Hands)}",
        DeviceCommandKinds.AbortSession => "Abort the running test",
        DeviceCommandKinds.ReferenceCheck => "Reference check",
        _ => command.Kind,
    };

    /// <summary>Where it stands, in words: the device's own message once it has answered.</summary>
    public static string Status(StoredDeviceCommand command) => command.State switch
    {
        DeviceCommandStates.Pending => "Waiting for the device to pick it up",
        DeviceCommandStates.Delivered => "The device has it; waiting for its answer",
        DeviceCommandStates.Done => Capitalise(command.ResultMessage ?? "done"),
        DeviceCommandStates.Refused => "Refused: " + (command.ResultMessage ?? "no reason given"),
        DeviceCommandStates.Expired when command.DeliveredUtc is null =>
            $"Expired: the device did not pick it up within {DeviceCommandDesk.ExpireAfter.TotalMinutes:0} min (is it on and connected to the dashboard?); it will not be carried out",
        DeviceCommandStates.Expired => $"No answer: the device took it but has not answered within {DeviceCommandDesk.ExpireAfter.TotalMinutes:0} min; look at the live view",
        _ => command.State,
    };

    private static string HandsText(string? hands) => hands == "both" ? "both hands" : $"{hands} hand";

    private static string Capitalise(string text) =>
        text.Length == 0 ? text : char.ToUpper(text[0], CultureInfo.InvariantCulture) + text[1..];
}
