namespace ThermoHand.Mlx90640;

/// <summary>
/// 16-bit word addresses of the MLX90640 (datasheet §11.1 memory map, §11.2.2 registers). Every location holds one
/// big-endian 16-bit word; the I2C address pointer counts words, not bytes.
/// </summary>
public enum Register : ushort
{
    /// <summary>First pixel word of RAM (row 0, column 0); 768 pixel words follow row-major (§11.1, RAM 0x0400–0x06FF).</summary>
    PixelRamStart = 0x0400,

    /// <summary>First auxiliary RAM word (Ta_Vbe); 64 words 0x0700–0x073F hold Ta, Vdd, gain and compensation-pixel data.</summary>
    AuxiliaryRamStart = 0x0700,

    /// <summary>First EEPROM word; 832 words 0x2400–0x273F hold the factory calibration. Read only for ThermoHand.</summary>
    EepromStart = 0x2400,

    /// <summary>EEPROM copy of the power-up control register value (factory 0x1901).</summary>
    EepromControlDefault = 0x240C,

    /// <summary>Status register (§11.2.2.1): bit 0 last measured subpage, bit 3 new data in RAM, bit 4 RAM overwrite enable.</summary>
    Status = 0x8000,

    /// <summary>Control register 1 (§11.2.2.4): bits 7–9 refresh rate, 10–11 ADC resolution, 12 reading pattern.</summary>
    Control = 0x800D,

    /// <summary>I2C configuration register (§11.2.2.5): FM+ enable, threshold and current limit bits.</summary>
    I2cConfiguration = 0x800F,
}
