using ThermoHand.Analysis;

namespace ThermoHand.Simulation;

/// <summary>Which part of the hand a point of the scene falls on.</summary>
public enum SkinRegion
{
    Background,
    Forearm,

    /// <summary>The back of the hand over the metacarpals: the reference region of the DDD.</summary>
    Dorsum,
    Finger,
}

/// <summary>
/// One digit as a tapered capsule in hand coordinates (mm; origin at the centre of the wrist crease, +y towards the
/// fingertips, +x towards the little finger of a right hand). The thumb starts at its carpometacarpal joint, the
/// fingers at their knuckle (MCP joint).
/// </summary>
public sealed record DigitShape(int Digit, double BaseX, double BaseY, double AngleDegrees, double LengthMm, double BaseWidthMm, double TipWidthMm, double DistalFraction)
{
    // Cached: Locate runs ~500 000 times per rendered frame.
    private readonly double directionX = Math.Sin(AngleDegrees * Math.PI / 180);
    private readonly double directionY = Math.Cos(AngleDegrees * Math.PI / 180);
    private readonly double reachSquared = (LengthMm + BaseWidthMm) * (LengthMm + BaseWidthMm);

    /// <summary>
    /// Where along the digit (0 = base, 1 = the very tip) the point lies, or NaN when it is outside the digit.
    /// </summary>
    public double Locate(double x, double y)
    {
        var dx = x - BaseX;
        var dy = y - BaseY;
        if ((dx * dx) + (dy * dy) > reachSquared)
        {
            return double.NaN;
        }

        var along = (dx * directionX) + (dy * directionY);
        if (along < 0)
        {
            return double.NaN;
        }

        var tipRadius = TipWidthMm / 2;
        var capStart = LengthMm - tipRadius;
        if (along <= capStart)
        {
            var across = Math.Abs((dx * directionY) - (dy * directionX));
            var radius = (BaseWidthMm / 2) + (((TipWidthMm - BaseWidthMm) / 2) * (along / LengthMm));
            return across <= radius ? along / LengthMm : double.NaN;
        }

        // Rounded fingertip: inside the circle at the start of the cap.
        var cx = dx - (directionX * capStart);
        var cy = dy - (directionY * capStart);
        return (cx * cx) + (cy * cy) <= tipRadius * tipRadius ? Math.Min(1.0, along / LengthMm) : double.NaN;
    }

    /// <summary>The very end of the digit on its axis, hand coordinates.</summary>
    public (double X, double Y) TipEnd() => (BaseX + (directionX * LengthMm), BaseY + (directionY * LengthMm));

    /// <summary>Centre of the distal phalanx (the fingertip region of interest), hand coordinates.</summary>
    public (double X, double Y) FingertipCentre()
    {
        var along = LengthMm * (1 - (DistalFraction / 2));
        return (BaseX + (directionX * along), BaseY + (directionY * along));
    }
}

/// <summary>
/// The dorsal outline of an adult right hand; a left hand is its mirror image. Dimensions are our assumption from
/// typical adult anthropometry (hand length ≈ 185 mm wrist crease to middle fingertip, breadth ≈ 84 mm at the
/// knuckles, finger widths 16–19 mm at the base narrowing to 13–16 mm at the tip) — see docs/simulation.md.
/// </summary>
public sealed class HandAnatomy
{
    // Dorsum outline (right hand): wrist crease at y = 0, knuckle line at y ≈ 88–101 mm.
    private static readonly (double X, double Y)[] DorsumOutline =
    [
        (-28, 0), (28, 0), (38, 35), (40, 75), (34, 89), (18, 97), (0, 101), (-18, 99), (-35, 93), (-38, 60), (-34, 22),
    ];

    private const double ForearmHalfWidthMm = 29;
    private const double ForearmLengthMm = 400;

    private readonly (double X, double Y)[] outline;
    private readonly (double X, double Y)[] extentPoints;

    /// <param name="hand">Which hand; the left is the right mirrored (x → −x).</param>
    /// <param name="spread">0 = fingers closed (touching), 1 = fingers spread wide.</param>
    public HandAnatomy(Hand hand, double spread)
    {
        if (!(spread is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(spread), $"Finger spread must be 0 (closed) to 1 (spread), not {spread}.");
        }

        Hand = hand;
        Spread = spread;
        var mirror = hand == Hand.Left ? -1.0 : 1.0;
        outline = DorsumOutline.Select(p => (p.X * mirror, p.Y)).ToArray();

        static double Between(double closed, double open, double t) => closed + ((open - closed) * t);

        // Angles: 0 = straight up the hand's long axis, positive towards the little finger (right hand).
        Digits =
        [
            new DigitShape(1, -30 * mirror, 28, Between(-28, -48, spread) * mirror, 110, 24, 20, 0.27),
            new DigitShape(2, -26 * mirror, 95, Between(-3, -11, spread) * mirror, 78, 19, 16, 0.27),
            new DigitShape(3, -8 * mirror, 100, 0, 85, 19, 16, 0.25),
            new DigitShape(4, 9 * mirror, 97, Between(2, 8, spread) * mirror, 80, 18, 15, 0.26),
            new DigitShape(5, 26 * mirror, 88, Between(5, 18, spread) * mirror, 64, 16, 13.5, 0.28),
        ];

        extentPoints =
        [
            .. outline,
            .. Digits.Select(d => d.TipEnd()),
            (-ForearmHalfWidthMm, -ForearmLengthMm), (ForearmHalfWidthMm, -ForearmLengthMm), (-ForearmHalfWidthMm, 0), (ForearmHalfWidthMm, 0),
        ];
    }

    public Hand Hand { get; }

    public double Spread { get; }

    /// <summary>D1 (thumb) … D5 (little finger), in digit order.</summary>
    public IReadOnlyList<DigitShape> Digits { get; }

    /// <summary>
    /// Points that, widened by <see cref="ExtentPaddingMm"/>, enclose the whole hand and forearm (hand coordinates):
    /// lets the renderer skip pixels that cannot touch skin.
    /// </summary>
    public IReadOnlyList<(double X, double Y)> ExtentPoints => extentPoints;

    /// <summary>Half the widest digit plus a margin.</summary>
    public double ExtentPaddingMm => 15;

    /// <summary>Centre of the dorsum region, hand coordinates.</summary>
    public (double X, double Y) DorsumCentre => (0, 55);

    /// <summary>
    /// Which part of the hand the point (hand coordinates, mm) is on. For a finger, <paramref name="digit"/> is 1–5 and
    /// <paramref name="alongDigit"/> is 0 at the base and 1 at the tip.
    /// </summary>
    public SkinRegion Locate(double x, double y, out int digit, out double alongDigit)
    {
        // Fingers first: where a finger base overlaps the dorsum outline the skin is the same temperature anyway.
        for (var i = 0; i < Digits.Count; i++)
        {
            var s = Digits[i].Locate(x, y);
            if (!double.IsNaN(s))
            {
                digit = i + 1;
                alongDigit = s;
                return SkinRegion.Finger;
            }
        }

        digit = 0;
        alongDigit = double.NaN;
        if (y >= 0 && InsideOutline(x, y))
        {
            return SkinRegion.Dorsum;
        }

        if (y < 0 && y > -ForearmLengthMm && Math.Abs(x) <= ForearmHalfWidthMm)
        {
            return SkinRegion.Forearm;
        }

        return SkinRegion.Background;
    }

    private bool InsideOutline(double x, double y)
    {
        // Crossing-number test: count outline edges crossed by a ray towards +x.
        var inside = false;
        for (int i = 0, j = outline.Length - 1; i < outline.Length; j = i++)
        {
            var (xi, yi) = outline[i];
            var (xj, yj) = outline[j];
            if ((yi > y) != (yj > y) && x < ((xj - xi) * (y - yi) / (yj - yi)) + xi)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}
