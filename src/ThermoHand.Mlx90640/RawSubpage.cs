namespace ThermoHand.Mlx90640;

/// <summary>
/// One read of the sensor: the raw words of one subpage, laid out as the vendor library's <c>frameData</c>
/// (and the conformance vectors' <c>frame_words</c>): [0..767] RAM 0x0400–0x06FF (pixels, row-major 24×32),
/// [768..831] RAM 0x0700–0x073F (auxiliary data), [832] control register 0x800D, [833] subpage number
/// (status register 0x8000 bit 0).
/// The buffer is owned by whoever created it and may be reused for the next read (no allocation per frame).
/// </summary>
public sealed class RawSubpage
{
    public const int PixelWordCount = 768;
    public const int AuxWordCount = 64;
    public const int WordCount = 834;
    public const int ControlRegisterIndex = 832;
    public const int SubpageIndex = 833;

    public RawSubpage()
        : this(new ushort[WordCount])
    {
    }

    public RawSubpage(ushort[] words)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (words.Length != WordCount)
        {
            throw new ArgumentException($"A subpage has {WordCount} words, not {words.Length}.", nameof(words));
        }

        Words = words;
    }

    /// <summary>All 834 words in the vendor layout.</summary>
    public ushort[] Words { get; }

    /// <summary>0 or 1: which half of the chess (or interleaved) pattern these pixel words belong to.</summary>
    public int Subpage => Words[SubpageIndex];

    /// <summary>Control register 0x800D as it was when this subpage was read (refresh rate, resolution, pattern).</summary>
    public ushort ControlRegister => Words[ControlRegisterIndex];

    /// <summary>Seconds on the acquisition clock when the subpage was read (monotonic, session-relative).</summary>
    public double TimeSeconds { get; set; }

    public ReadOnlySpan<ushort> PixelWords => Words.AsSpan(0, PixelWordCount);

    public ReadOnlySpan<ushort> AuxWords => Words.AsSpan(PixelWordCount, AuxWordCount);

    public RawSubpage Clone() => new((ushort[])Words.Clone()) { TimeSeconds = TimeSeconds };
}
