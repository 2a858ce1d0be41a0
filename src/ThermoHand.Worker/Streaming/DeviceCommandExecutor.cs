using ThermoHand.Streaming;
using ThermoHand.Worker.Pipeline;
using ThermoHand.Worker.Protocol;

namespace ThermoHand.Worker.Streaming;

/// <summary>Carries out one command from the dashboard and says what happened (never throws for a refusal).</summary>
public interface IDeviceCommandExecutor
{
    Task<DeviceCommandResult> ExecuteAsync(DeviceCommand command, CancellationToken cancellationToken);
}

/// <summary>
/// Carries out a clinician's command from the dashboard with the same calls the button and the auto-clinician use:
/// start → <see cref="SessionCoordinator.StartSessionAsync"/> (the patient reference goes into the session exactly as
/// typed, and back to the dashboard in session_started), abort → <see cref="ProtocolSession.Abort"/> (the coordinator
/// then closes and stores the session as aborted), reference check → <see cref="SessionCoordinator.RunReferenceCheckAsync"/>.
/// A finished or aborted protocol is restarted first, as a clinician starting the next test expects. Every refusal
/// carries the coordinator's or protocol's own reason.
/// </summary>
public sealed class DeviceCommandExecutor(SessionCoordinator coordinator, ProtocolSession protocol, ProtocolPreset configuredPreset) : IDeviceCommandExecutor
{
    /// <summary>The reason a session aborted from the dashboard is stored with.</summary>
    public const string AbortReason = "aborted by a clinician from the dashboard";

    public async Task<DeviceCommandResult> ExecuteAsync(DeviceCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command.Kind switch
        {
            DeviceCommandKinds.StartSession => await StartAsync(command).ConfigureAwait(false),
            DeviceCommandKinds.AbortSession => Abort(),
            DeviceCommandKinds.ReferenceCheck => await ReferenceCheckAsync(cancellationToken).ConfigureAwait(false),
            _ => Refused($"this device does not know the command '{command.Kind}' (its worker may be older than the dashboard)"),
        };
    }

    private async Task<DeviceCommandResult> StartAsync(DeviceCommand command)
    {
        if (ParseHands(command.Hands) is not { } hands)
        {
            return Refused($"unknown hands '{command.Hands}': left, right or both");
        }

        ProtocolPreset? preset = string.Equals(command.Preset, configuredPreset.Name, StringComparison.OrdinalIgnoreCase) ? configuredPreset
            : ProtocolPresets.TryFind(command.Preset, out ProtocolPreset known) ? known : null;
        if (preset is null)
        {
            return Refused($"unknown protocol '{command.Preset}': this device knows {ProtocolPresets.KnownNames}");
        }

        if (ReadyForNext() is { } notReady)
        {
            return Refused(notReady);
        }

        CommandResult started = await coordinator.StartSessionAsync(new SessionSetup(command.PatientReference ?? string.Empty, hands, preset)).ConfigureAwait(false);
        if (!started.Accepted)
        {
            return Refused(started.Reason ?? "refused without a reason");
        }

        string? id = coordinator.OpenSessionId;
        return new DeviceCommandResult(DeviceCommandOutcomes.Done,
            $"started session {id}: {preset.Name}, {(hands == HandSelection.Both ? "both hands" : hands.ToString().ToLowerInvariant() + " hand")}; acclimatisation is running", id);
    }

    private DeviceCommandResult Abort()
    {
        string? id = coordinator.OpenSessionId;
        if (id is null)
        {
            return Refused("no test is running on this device, so there is nothing to abort");
        }

        CommandResult aborted = protocol.Abort(AbortReason);
        return aborted.Accepted
            ? new DeviceCommandResult(DeviceCommandOutcomes.Done, $"aborted session {id}; it is stored as aborted ({AbortReason})", id)
            : Refused(aborted.Reason ?? "refused without a reason");
    }

    private async Task<DeviceCommandResult> ReferenceCheckAsync(CancellationToken cancellationToken)
    {
        if (ReadyForNext() is { } notReady)
        {
            return Refused(notReady);
        }

        (CommandResult result, IReadOnlyList<Calibration.ReferenceCheckResult> checks) =
            await coordinator.RunReferenceCheckAsync(token: cancellationToken).ConfigureAwait(false);
        if (!result.Accepted)
        {
            return Refused(result.Reason ?? "refused without a reason");
        }

        return new DeviceCommandResult(DeviceCommandOutcomes.Done,
            checks.Count == 0 ? "reference check run, but no sensor took part" : "reference check: " + string.Join("; ", checks.Select(c => c.Message)), null);
    }

    /// <summary>Between sessions a finished or aborted protocol is restarted (as the next test needs); a running one is left alone.</summary>
    private string? ReadyForNext()
    {
        if (coordinator.OpenSessionId is { } open)
        {
            return $"a session is already running ({open}); finish or abort it first";
        }

        if (protocol.State is ProtocolState.Complete or ProtocolState.Aborted)
        {
            CommandResult restarted = protocol.Restart();
            return restarted.Accepted ? null : restarted.Reason;
        }

        return null;
    }

    private static HandSelection? ParseHands(string? hands) => hands?.Trim().ToLowerInvariant() switch
    {
        "left" => HandSelection.Left,
        "right" => HandSelection.Right,
        "both" => HandSelection.Both,
        _ => null,
    };

    private static DeviceCommandResult Refused(string reason) => new(DeviceCommandOutcomes.Refused, reason, null);
}
