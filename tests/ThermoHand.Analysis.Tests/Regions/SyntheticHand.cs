using ThermoHand.Analysis;
using ThermoHand.Analysis.Regions;

namespace ThermoHand.Analysis.Tests.Regions;

/// <summary>
/// A dorsal hand drawn as simple shapes (rounded-rectangle palm, forearm to the image bottom, capsule fingers and
/// thumb) and area-averaged onto the 32x24 grid by 10x10 supersampling, the way the sensor sees it. Coordinates are
/// sensor pixels with pixel centres at integers. The truth for a fingertip is the centre of the distal phalanx,
/// taken as in ThermoHand.Simulation: 13.5 % of the digit's length (knuckle to outline tip) back from the tip. The right hand is drawn with its thumb on the image left; the left hand is its mirror.
/// </summary>
internal sealed record SyntheticHand
{
    private const int Supersampling = 10;
    private static readonly PixelPoint Centre = new(15.5, 14.0);

    public Hand Hand { get; init; } = Hand.Right;

    public double RoomCelsius { get; init; } = 23.0;

    public double DorsumCelsius { get; init; } = 32.0;

    public double ArmCelsius { get; init; } = 31.5;

    /// <summary>D1 … D5.</summary>
    public double[] FingerCelsius { get; init; } = [31.0, 30.5, 30.5, 30.0, 29.5];

    public double FingerWidth { get; init; } = 1.6;

    public double ThumbWidth { get; init; } = 1.9;

    /// <summary>Knuckle spacing of D2..D5 along the knuckle line.</summary>
    public double FingerSpacing { get; init; } = 2.2;

    /// <summary>D2..D5 splay, degrees; positive towards the little-finger side.</summary>
    public double[] SplayDegrees { get; init; } = [-10, -2, 7, 17];

    /// <summary>D2..D5 length from knuckle to distal-pad centre.</summary>
    public double[] FingerLengths { get; init; } = [5.2, 5.8, 5.3, 4.4];

    public double ThumbAngleDegrees { get; init; } = 48;

    public double ThumbLength { get; init; } = 4.8;

    public double RotationDegrees { get; init; }

    public double ShiftX { get; init; }

    public double ShiftY { get; init; }

    public double NoiseCelsius { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>A round object (e.g. a coffee cup seen from above) drawn over everything, in image coordinates.</summary>
    public (PixelPoint Centre, double Radius, double Celsius)? Object { get; init; }

    public PixelPoint TrueFingertip(int digit)
    {
        var (knuckle, padCentre, width) = Digit(digit);
        var direction = (padCentre - knuckle).Normalised();
        var length = knuckle.DistanceTo(padCentre) + (width / 2);
        return ToImage(knuckle + (direction * (length * (1 - 0.135))));
    }

    /// <summary>Where the digit's drawn axis starts (knuckle; the thumb's base), in image coordinates.</summary>
    public PixelPoint TrueDigitBase(int digit) => ToImage(Digit(digit).Knuckle);

    /// <summary>The digit's drawn width (pixels).</summary>
    public double TrueDigitWidth(int digit) => Digit(digit).Width;

    public ThermalFrame Render(double timeSeconds = 0)
    {
        var pixels = new float[ThermalFrame.PixelCount];
        var random = new Random(Seed);
        for (var row = 0; row < ThermalFrame.Rows; row++)
        {
            for (var column = 0; column < ThermalFrame.Columns; column++)
            {
                double sum = 0;
                for (var i = 0; i < Supersampling; i++)
                {
                    for (var j = 0; j < Supersampling; j++)
                    {
                        var sample = new PixelPoint(column - 0.5 + ((j + 0.5) / Supersampling), row - 0.5 + ((i + 0.5) / Supersampling));
                        sum += TemperatureAt(sample);
                    }
                }

                var noise = NoiseCelsius > 0 ? NoiseCelsius * Gaussian(random) : 0;
                pixels[(row * ThermalFrame.Columns) + column] = (float)((sum / (Supersampling * Supersampling)) + noise);
            }
        }

        return new ThermalFrame(timeSeconds, pixels);
    }

    /// <summary>Room only (the hands are in the water).</summary>
    public ThermalFrame RenderEmpty(double timeSeconds = 0)
    {
        var pixels = new float[ThermalFrame.PixelCount];
        var random = new Random(Seed);
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)(RoomCelsius + (NoiseCelsius > 0 ? NoiseCelsius * Gaussian(random) : 0));
        }

        return new ThermalFrame(timeSeconds, pixels);
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static double DistanceToSegment(PixelPoint p, PixelPoint a, PixelPoint b)
    {
        var ab = b - a;
        var t = Math.Clamp((p - a).Dot(ab) / ab.Dot(ab), 0, 1);
        return p.DistanceTo(a + (ab * t));
    }

    /// <summary>Knuckle, distal-pad centre and width of a digit in the canonical right-hand drawing.</summary>
    private (PixelPoint Knuckle, PixelPoint Tip, double Width) Digit(int digit)
    {
        if (digit == 1)
        {
            var thumbBase = new PixelPoint(12.3, 15.5);
            var a = ThumbAngleDegrees * Math.PI / 180;
            return (thumbBase, thumbBase + new PixelPoint(-Math.Sin(a), -Math.Cos(a)) * ThumbLength, ThumbWidth);
        }

        var k = digit - 2;
        var knuckle = new PixelPoint(Centre.X + ((k - 1.5) * FingerSpacing), digit == 5 ? 11.4 : 10.8);
        var splay = SplayDegrees[k] * Math.PI / 180;
        return (knuckle, knuckle + new PixelPoint(Math.Sin(splay), -Math.Cos(splay)) * FingerLengths[k], FingerWidth);
    }

    private PixelPoint ToImage(PixelPoint canonical)
    {
        var p = Hand == Hand.Left ? new PixelPoint(31 - canonical.X, canonical.Y) : canonical;
        return Centre + (p - Centre).Rotated(RotationDegrees * Math.PI / 180) + new PixelPoint(ShiftX, ShiftY);
    }

    private PixelPoint ToCanonical(PixelPoint image)
    {
        var p = Centre + (image - new PixelPoint(ShiftX, ShiftY) - Centre).Rotated(-RotationDegrees * Math.PI / 180);
        return Hand == Hand.Left ? new PixelPoint(31 - p.X, p.Y) : p;
    }

    private double TemperatureAt(PixelPoint image)
    {
        if (Object is { } o && image.DistanceTo(o.Centre) <= o.Radius)
        {
            return o.Celsius;
        }

        var p = ToCanonical(image);
        if (InRoundedRectangle(p, 11.5, 10.5, 19.5, 17.5, 1.5))
        {
            return DorsumCelsius;
        }

        if (p.X >= 12.5 && p.X <= 18.5 && p.Y >= 17.0)
        {
            return ArmCelsius;
        }

        for (var digit = 1; digit <= 5; digit++)
        {
            var (knuckle, tip, width) = Digit(digit);
            if (DistanceToSegment(p, knuckle, tip) <= width / 2)
            {
                return FingerCelsius[digit - 1];
            }
        }

        return RoomCelsius;
    }

    private static bool InRoundedRectangle(PixelPoint p, double left, double top, double right, double bottom, double radius)
    {
        if (p.X < left || p.X > right || p.Y < top || p.Y > bottom)
        {
            return false;
        }

        var cx = Math.Clamp(p.X, left + radius, right - radius);
        var cy = Math.Clamp(p.Y, top + radius, bottom - radius);
        return p.DistanceTo(new PixelPoint(cx, cy)) <= radius;
    }
}
