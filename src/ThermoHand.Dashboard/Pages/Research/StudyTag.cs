using System.Text.RegularExpressions;

namespace ThermoHand.Dashboard.Pages.Research;

/// <summary>
/// A study group tag ("SSc", "primary", "study:ILO-2026"): 1–32 characters, letters, digits and . _ : - only, starting
/// with a letter or digit. Short and plain so a tag stays a group label and cannot hold a name or a sentence.
/// </summary>
public static partial class StudyTag
{
    public const int MaxLength = 32;

    /// <summary>Null when the tag is acceptable, else what is wrong and what to do.</summary>
    public static string? Problem(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return "Give a tag, e.g. 'SSc' or 'study:ILO-2026'.";
        }

        if (tag.Length > MaxLength)
        {
            return $"The tag has {tag.Length} characters; use at most {MaxLength}.";
        }

        return Allowed().IsMatch(tag)
            ? null
            : "Use letters, digits and . _ : - only, no spaces, starting with a letter or digit (e.g. 'SSc', 'study:ILO-2026').";
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Allowed();
}
