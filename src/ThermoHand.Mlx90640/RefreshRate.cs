namespace ThermoHand.Mlx90640;

/// <summary>
/// Subpage refresh rate, control register 0x800D bits 7–9 (datasheet §11.2.2.4). The values already hold the register
/// bits. The rate is per <em>subpage</em>: a full 768-pixel image (two subpages) arrives at half this rate.
/// </summary>
public enum RefreshRate : ushort
{
    HalfHertz = 0 << 7,
    OneHertz = 1 << 7,
    TwoHertz = 2 << 7,
    FourHertz = 3 << 7,
    EightHertz = 4 << 7,
    SixteenHertz = 5 << 7,
    ThirtyTwoHertz = 6 << 7,
    SixtyFourHertz = 7 << 7,
}
