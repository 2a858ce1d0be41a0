namespace ThermoHand.Mlx90640;

/// <summary>Reading pattern, control register 0x800D bit 12 (datasheet §11.2.2.4): chess is the factory default.</summary>
public enum ReadingPattern
{
    Interleaved = 0,
    Chess = 1,
}
