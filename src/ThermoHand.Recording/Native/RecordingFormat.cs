namespace ThermoHand.Recording.Native;

/// <summary>
/// Constants of the native session recording (<c>.threc</c>), documented byte by byte in docs/recording-format.md.
/// </summary>
public static class RecordingFormat
{
    /// <summary>Conventional file extension.</summary>
    public const string FileExtension = ".threc";

    /// <summary>
    /// The first 8 bytes of every recording: "THREC", then CR LF and SUB (0x1A), like PNG's signature, so that a
    /// text-mode transfer that mangles line endings is detected at once instead of producing CRC errors later.
    /// </summary>
    public static ReadOnlySpan<byte> Magic => "THREC\r\n\u001a"u8;

    /// <summary>Incompatible layout changes increment this; a reader refuses a major version it does not know.</summary>
    public const ushort MajorVersion = 1;

    /// <summary>Compatible additions (new record types, fields appended to a payload) increment this.</summary>
    public const ushort MinorVersion = 0;

    /// <summary>Bytes of one record's frame around its payload: type (1) + length (4) before, CRC-32 (4) after.</summary>
    public const int FrameOverhead = 9;

    /// <summary>
    /// Largest payload a reader accepts. A subpage needs under 1.7 kB and the header about 2 kB, so a longer length
    /// can only be corruption; refusing it keeps a flipped length byte from making the reader allocate gigabytes.
    /// </summary>
    public const int MaxPayloadLength = 1 << 20;

    /// <summary>Number of EEPROM words stored in the header (0x2400–0x273F).</summary>
    public const int EepromWordCount = 832;
}

/// <summary>The type byte of a record. Values are part of the file format: never renumber.</summary>
public enum RecordType : byte
{
    /// <summary>The session header; always the first record, exactly once.</summary>
    Header = 0x01,

    /// <summary>One raw subpage (834 words) with its acquisition time.</summary>
    Subpage = 0x02,

    /// <summary>A protocol event (challenge_start, challenge_end, …).</summary>
    Event = 0x03,

    /// <summary>A room or water-bath reading.</summary>
    Environment = 0x04,

    /// <summary>A free-form key/value note.</summary>
    Annotation = 0x05,

    /// <summary>Written when the writer is closed normally; its absence means the session ended in a crash or power loss.</summary>
    End = 0x7F,
}

/// <summary>How the 834 words of a subpage are stored inside a record.</summary>
public enum SubpageEncoding : byte
{
    /// <summary>834 little-endian 16-bit words as read (1668 bytes).</summary>
    Raw = 0,

    /// <summary>
    /// Each word minus the word before it (mod 2^16), split into a plane of low bytes then a plane of high bytes,
    /// compressed with Deflate. Neighbouring pixels differ little, so the high-byte plane is mostly 0x00/0xFF and
    /// compresses well. Each record decodes on its own: a damaged record never spoils the ones after it.
    /// </summary>
    DeltaDeflate = 1,

    /// <summary>
    /// Each word minus the same word of the previous subpage record in the file (zeros before the first), byte planes,
    /// Deflate. This removes each pixel's fixed offset, and the half of the RAM that the sensor did not update (the
    /// other subpage) becomes all zeros. Smallest by far; a record needs the one before it, which costs nothing here
    /// because reading is sequential and stops at the first damaged record anyway.
    /// </summary>
    PreviousDeltaDeflate = 2,
}
