namespace ThermoHand.Worker.Protocol;

/// <summary>What the clinician enters before the protocol starts.</summary>
/// <param name="PatientReference">Pseudonymous study/clinic reference, never a name (see <see cref="ValidatePatientReference"/>).</param>
/// <param name="Hands">Hand(s) imaged.</param>
/// <param name="Preset">The protocol to follow.</param>
public sealed record SessionSetup(string PatientReference, HandSelection Hands, ProtocolPreset Preset)
{
    public const int MaximumReferenceLength = 32;

    /// <summary>
    /// A pseudonymous reference is 1–32 letters, digits, '-' or '_' and contains at least one digit. The digit rule
    /// is a cheap guard against typing a patient's name into the field ("JaneDoe" is refused, "RP-0042" is not);
    /// it cannot prove a reference is pseudonymous. Returns null when valid, else the reason.
    /// </summary>
    public static string? ValidatePatientReference(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return "patient reference is empty: enter the pseudonymous study reference (e.g. RP-0042)";
        }

        if (reference.Length > MaximumReferenceLength)
        {
            return $"patient reference is {reference.Length} characters; at most {MaximumReferenceLength} are allowed";
        }

        char bad = reference.FirstOrDefault(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
        if (bad != default)
        {
            return $"patient reference contains '{bad}': only letters, digits, '-' and '_' are allowed (no names, no spaces)";
        }

        if (!reference.Any(char.IsAsciiDigit))
        {
            return "patient reference has no digit: it looks like a name; enter the pseudonymous study reference (e.g. RP-0042)";
        }

        return null;
    }
}
