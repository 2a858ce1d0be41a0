using SkiaSharp;

namespace ThermoHand.Cli.Pictures;

/// <summary>
/// Maps a position on the temperature scale (0 = coldest shown, 1 = warmest) to a colour. The default "ironbow"
/// runs black → violet → red → orange → yellow → white: brightness rises monotonically, so the picture still reads
/// correctly in greyscale print, and warm fingertips stand out against a cold background.
/// </summary>
public sealed class ThermalPalette
{
    private readonly (double At, SKColor Colour)[] stops;

    public ThermalPalette(IReadOnlyList<(double At, SKColor Colour)> stops, SKColor invalidColour)
    {
        ArgumentNullException.ThrowIfNull(stops);
        if (stops.Count < 2 || stops[0].At != 0 || stops[^1].At != 1)
        {
            throw new ArgumentException("A palette needs at least two stops, the first at 0 and the last at 1.", nameof(stops));
        }

        for (var i = 1; i < stops.Count; i++)
        {
            if (stops[i].At <= stops[i - 1].At)
            {
                throw new ArgumentException($"Palette stops must increase; stop {i} at {stops[i].At} is not after {stops[i - 1].At}.", nameof(stops));
            }
        }

        this.stops = [.. stops];
        InvalidColour = invalidColour;
    }

    /// <summary>Black → violet → red → orange → yellow → white; invalid (NaN) pixels in mid grey.</summary>
    public static ThermalPalette Ironbow { get; } = new(
        [
            (0.00, new SKColor(0x00, 0x00, 0x00)),
            (0.15, new SKColor(0x22, 0x00, 0x6e)),
            (0.35, new SKColor(0x8a, 0x00, 0x98)),
            (0.55, new SKColor(0xd8, 0x2a, 0x2a)),
            (0.75, new SKColor(0xff, 0x94, 0x00)),
            (0.90, new SKColor(0xff, 0xe0, 0x40)),
            (1.00, new SKColor(0xff, 0xff, 0xff)),
        ],
        new SKColor(0x80, 0x80, 0x80));

    /// <summary>Colour of pixels with no valid temperature, so a gap is never mistaken for a cold pixel.</summary>
    public SKColor InvalidColour { get; }

    /// <summary>The colour at <paramref name="fraction"/> of the scale (clamped to 0–1); NaN gives <see cref="InvalidColour"/>.</summary>
    public SKColor ColourAt(double fraction)
    {
        if (double.IsNaN(fraction))
        {
            return InvalidColour;
        }

        fraction = Math.Clamp(fraction, 0, 1);
        var i = 1;
        while (i < stops.Length - 1 && stops[i].At < fraction)
        {
            i++;
        }

        var (a, ca) = stops[i - 1];
        var (b, cb) = stops[i];
        var t = (fraction - a) / (b - a);
        return new SKColor(Lerp(ca.Red, cb.Red, t), Lerp(ca.Green, cb.Green, t), Lerp(ca.Blue, cb.Blue, t));
    }

    private static byte Lerp(byte a, byte b, double t) => (byte)Math.Round(a + ((b - a) * t));
}
