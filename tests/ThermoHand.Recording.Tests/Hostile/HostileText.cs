using System.Text;

namespace ThermoHand.Recording.Tests.Hostile;

/// <summary>
/// Seeded damage for text formats: the kinds of change a bad editor, a truncated copy or a hostile user makes
/// (a character replaced by one that matters to the parser, deleted, duplicated, the text cut off).
/// </summary>
internal static class HostileText
{
    /// <summary>Characters that mean something to CSV and JSON parsers, plus a few that mean nothing.</summary>
    private const string Meaningful = ",.-+eE0123456789 \t\r\n\"{}[]:nNaIif\\/x\u00e9\u00a0\uFEFF";

    public static string Mutate(string text, int seed, int edits)
    {
        var random = new Random(seed);
        var builder = new StringBuilder(text);
        for (var i = 0; i < edits && builder.Length > 0; i++)
        {
            var at = random.Next(builder.Length);
            switch (random.Next(5))
            {
                case 0:
                    builder[at] = Meaningful[random.Next(Meaningful.Length)];
                    break;
                case 1:
                    builder.Remove(at, 1);
                    break;
                case 2:
                    builder.Insert(at, Meaningful[random.Next(Meaningful.Length)]);
                    break;
                case 3:
                    builder.Length = at; // cut off, as a copy interrupted half-way
                    break;
                default:
                    var length = Math.Min(random.Next(1, 40), builder.Length - at);
                    builder.Insert(at, builder.ToString(at, length)); // a run duplicated
                    break;
            }
        }

        return builder.ToString();
    }
}
