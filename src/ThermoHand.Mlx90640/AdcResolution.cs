namespace ThermoHand.Mlx90640;

/// <summary>
/// ADC resolution, control register 0x800D bits 10–11 (datasheet §11.2.2.4). The values already hold the register
/// bits. 18 bit is the factory default; the calculation rescales Vdd by the resolution read with every subpage.
/// </summary>
public enum AdcResolution : ushort
{
    Bits16 = 0 << 10,
    Bits17 = 1 << 10,
    Bits18 = 2 << 10,
    Bits19 = 3 << 10,
}
