// CONTRACT — clinician commands from the dashboard to a device (docs/device-stream.md, "Commands"). Both sides build
// against these types; a change of meaning needs both sides and the doc.
using System.Text.Json.Serialization;

namespace ThermoHand.Streaming;

/// <summary>
/// The command endpoints a device polls with its device credential: <c>GET /api/device/v1/commands</c> lists the
/// device's own commands still waiting for its answer; <c>POST /api/device/v1/commands/{command_id}/result</c> gives the
/// answer. A device only ever sees its own commands.
/// </summary>
public static class DeviceCommandPaths
{
    public const string Commands = "/api/device/v1/commands";

    /// <summary>The route pattern of the result endpoint (the dashboard maps it).</summary>
    public const string ResultPattern = "/api/device/v1/commands/{commandId}/result";

    public static string Result(string commandId) => $"{Commands}/{Uri.EscapeDataString(commandId)}/result";
}

/// <summary>What a clinician can ask a device to do from the live page.</summary>
public static class DeviceCommandKinds
{
    /// <summary>Start a cold-challenge session: patient reference, protocol preset, hand(s).</summary>
    public const string StartSession = "start_session";

    /// <summary>Abort the running session (it is closed and stored as aborted, with the clinician's reason).</summary>
    public const string AbortSession = "abort_session";

    /// <summary>Run the per-session reference check between sessions (docs/worker.md §10).</summary>
    public const string ReferenceCheck = "reference_check";

    public static IReadOnlyList<string> All { get; } = [StartSession, AbortSession, ReferenceCheck];
}

/// <summary>The device's answer to a command.</summary>
public static class DeviceCommandOutcomes
{
    /// <summary>Carried out (the message says what happened, e.g. "started session …").</summary>
    public const string Done = "done";

    /// <summary>Not carried out; the message is the device's reason, which a clinician can act on.</summary>
    public const string Refused = "refused";

    public static bool IsKnown(string? outcome) => outcome is Done or Refused;
}

/// <summary>
/// The values a start command may carry, the same the device accepts (the worker's ProtocolPresets and HandSelection;
/// a worker test checks they agree).
/// </summary>
public static class DeviceCommandChoices
{
    public static IReadOnlyList<string> PresetNames { get; } = ["manchester", "bath-ring", "iso-14835-1"];

    public static IReadOnlyList<string> Hands { get; } = ["left", "right", "both"];

    /// <summary>At most this many characters in a patient reference (the device's SessionSetup.MaximumReferenceLength).</summary>
    public const int MaximumReferenceLength = 32;

    /// <summary>
    /// The device's rule for a pseudonymous reference, checked before a command is stored so the clinician hears at once:
    /// 1–32 letters, digits, '-' or '_', at least one digit (a cheap guard against a typed name). Null when valid, else
    /// the reason. The device checks again with its own rule (a worker test keeps the two in step).
    /// </summary>
    public static string? CheckPatientReference(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return "patient reference is empty: enter the pseudonymous study reference (e.g. RP-0042)";
        }

        if (reference.Length > MaximumReferenceLength)
        {
            return $"patient reference is {reference.Length} characters; at most {MaximumReferenceLength} are allowed";
        }

        if (reference.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return "patient reference may only hold letters, digits, '-' and '_' (no names, no spaces)";
        }

        return reference.Any(char.IsAsciiDigit) ? null
            : "patient reference has no digit: it looks like a name; enter the pseudonymous study reference (e.g. RP-0042)";
    }
}

/// <summary>One command waiting for the device's answer. Parameters other than the kind's own are null.</summary>
public sealed record DeviceCommand(
    [property: JsonPropertyName("command_id")] string CommandId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("issued_utc")] DateTimeOffset IssuedUtc,
    [property: JsonPropertyName("patient_ref")] string? PatientReference,
    [property: JsonPropertyName("preset")] string? Preset,
    [property: JsonPropertyName("hands")] string? Hands);

/// <summary>Body of <c>GET /api/device/v1/commands</c>: the device's commands still to answer, oldest first.</summary>
public sealed record DeviceCommandList([property: JsonPropertyName("commands")] IReadOnlyList<DeviceCommand> Commands);

/// <summary>
/// Body of <c>POST …/commands/{command_id}/result</c>. Posting the same answer again is harmless (the first answer
/// stays); the reply is 200 with the command's stored state.
/// </summary>
public sealed record DeviceCommandResult(
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("session_id")] string? SessionId);
