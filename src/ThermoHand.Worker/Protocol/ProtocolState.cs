namespace ThermoHand.Worker.Protocol;

/// <summary>Where the clinician is in the cold-challenge protocol (docs/protocol.md has the diagram).</summary>
public enum ProtocolState
{
    /// <summary>Patient reference, hand(s) and preset are being entered; no clock runs.</summary>
    SetUp,

    /// <summary>The patient sits in the room so the hands reach a steady temperature (timed).</summary>
    Acclimatising,

    /// <summary>Baseline frames are taken just before the challenge (timed).</summary>
    BaselineCapture,

    /// <summary>Baseline done; waiting for the clinician to put the gloved hands in the water.</summary>
    ReadyForChallenge,

    /// <summary>Hands in the water (timed; cannot be paused — the cold does not stop).</summary>
    Immersion,

    /// <summary>Hands out of the water; the rewarming is imaged (timed).</summary>
    Rewarming,

    /// <summary>The rewarming window has ended; the record is complete.</summary>
    Complete,

    /// <summary>Stopped by the clinician before completion; the record is kept and marked aborted.</summary>
    Aborted,
}
