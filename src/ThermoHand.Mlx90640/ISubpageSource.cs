namespace ThermoHand.Mlx90640;

/// <summary>
/// Where raw subpages come from: the real sensor over I2C, the emulated sensor, or a replayed recording.
/// Everything after this interface is the same pipeline for all three.
/// </summary>
public interface ISubpageSource : IDisposable
{
    /// <summary>The sensor's EEPROM (832 words from 0x2400), from which its calibration is extracted.</summary>
    ReadOnlyMemory<ushort> EepromWords { get; }

    /// <summary>
    /// Waits for and reads the next subpage into <paramref name="destination"/> (setting its <see cref="RawSubpage.TimeSeconds"/>).
    /// Returns false when the source has ended (a replay reached its end). Throws <see cref="IOException"/> for a
    /// sensor fault, with a message fit for the device technician.
    /// </summary>
    bool TryReadSubpage(RawSubpage destination, CancellationToken cancellationToken);
}
