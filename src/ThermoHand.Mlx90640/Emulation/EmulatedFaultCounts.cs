namespace ThermoHand.Mlx90640.Emulation;

/// <summary>How many faults the emulated sensor has injected so far, and how many measurements it completed.</summary>
public sealed class EmulatedFaultCounts
{
    public int CompletedMeasurements { get; internal set; }

    /// <summary>
    /// Measurements lost because the host had not read the previous one when the next completed (RAM overwritten, or
    /// the new one dropped with overwrite off): the reader was late, as a real sensor shows it. Not a fault it injects.
    /// </summary>
    public int LostUnread { get; internal set; }
    public int IoErrors { get; internal set; }
    public int Nacks { get; internal set; }
    public int AppliedWriteErrors { get; internal set; }
    public int UnpluggedTransfers { get; internal set; }
    public int MissedNewData { get; internal set; }
    public int RepeatedSubpages { get; internal set; }
    public int TornReads { get; internal set; }
    public int FlippedBits { get; internal set; }
    public int AuxiliaryNotReady { get; internal set; }
}
