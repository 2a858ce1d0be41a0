namespace ThermoHand.Mlx90640.Emulation;

/// <summary>
/// Faults the emulated sensor injects, each a probability per event, drawn from one seeded generator so a test or a
/// simulated session fails the same way every time. All zero (default) = a healthy sensor on a good bus.
/// </summary>
public sealed record EmulatedFaults
{
    /// <summary>Seed of the fault generator.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Per transfer: the bus reports an I/O error (Linux EIO) and nothing is transferred.</summary>
    public double IoErrorRate { get; init; }

    /// <summary>Per transfer: the sensor does not acknowledge its address (Linux EREMOTEIO, "error 121").</summary>
    public double NackRate { get; init; }

    /// <summary>
    /// Per write: the word reaches the register, but the bus reports an I/O error anyway (the final acknowledge was lost).
    /// The driver cannot tell this from a write that never arrived, which matters for the status register's new-data flag.
    /// </summary>
    public double AppliedWriteErrorRate { get; init; }

    /// <summary>Per completed measurement: RAM is updated but the new-data bit is not set, so the driver never sees this subpage.</summary>
    public double MissedNewDataRate { get; init; }

    /// <summary>Per completed measurement: the same subpage as last time is measured again (status bit 0 not toggled; vendor issue #99).</summary>
    public double RepeatedSubpageRate { get; init; }

    /// <summary>Per read that covers pixel RAM: a measurement completes half-way through the read, rewriting RAM under it.</summary>
    public double TornReadRate { get; init; }

    /// <summary>Per word read: one random bit of the word is flipped (a glitch I2C has no checksum to catch).</summary>
    public double FlippedBitRate { get; init; }

    /// <summary>Per read that covers the auxiliary block: one checked aux word is returned as 0x7FFF (not ready).</summary>
    public double AuxiliaryNotReadyRate { get; init; }

    /// <summary>Names the first rate outside 0…1, or null when all are valid.</summary>
    public string? Validate()
    {
        (string Name, double Rate)[] rates =
        [
            (nameof(IoErrorRate), IoErrorRate), (nameof(NackRate), NackRate), (nameof(AppliedWriteErrorRate), AppliedWriteErrorRate),
            (nameof(MissedNewDataRate), MissedNewDataRate),
            (nameof(RepeatedSubpageRate), RepeatedSubpageRate), (nameof(TornReadRate), TornReadRate),
            (nameof(FlippedBitRate), FlippedBitRate), (nameof(AuxiliaryNotReadyRate), AuxiliaryNotReadyRate),
        ];
        foreach (var (name, rate) in rates)
        {
            if (!(rate >= 0 && rate <= 1))
            {
                return $"Emulated fault {name} = {rate} is not a probability between 0 and 1.";
            }
        }

        return null;
    }
}
