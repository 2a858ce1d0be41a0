namespace ThermoHand.Mlx90640.Vectors;

/// <summary>What one input frame of a vector gives (shared/formats.md §1 and the vectors' <c>processing</c> text).</summary>
public sealed class ProcessedFrame
{
    internal ProcessedFrame(int subpage, float vdd, float ta, float tr, float[] toThisSubpage, bool[] computed, float[] accumulated, bool[] accumulatedComputed, float[]? corrected)
    {
        Subpage = subpage;
        Vdd = vdd;
        Ta = ta;
        Tr = tr;
        ToThisSubpage = toThisSubpage;
        Computed = computed;
        ToAccumulated = accumulated;
        AccumulatedComputed = accumulatedComputed;
        ToAccumulatedCorrected = corrected;
    }

    public int Subpage { get; }

    public float Vdd { get; }

    public float Ta { get; }

    /// <summary>The reflected temperature used for this frame.</summary>
    public float Tr { get; }

    /// <summary>To of the pixels of this subpage (NaN elsewhere; see <see cref="Computed"/>).</summary>
    public float[] ToThisSubpage { get; }

    /// <summary>True for the pixels this frame computed.</summary>
    public bool[] Computed { get; }

    /// <summary>The running image after this frame (both subpages merged).</summary>
    public float[] ToAccumulated { get; }

    public bool[] AccumulatedComputed { get; }

    /// <summary>The running image with deviating pixels corrected, once all 768 pixels have been computed; else null.</summary>
    public float[]? ToAccumulatedCorrected { get; }
}

/// <summary>
/// Runs a vector's inputs the way its <c>processing</c> field describes: extract once; per frame Vdd, Ta, To into a
/// fresh and a running buffer; deviating-pixel correction of a copy of the running buffer once it is complete
/// (pattern from that frame's control register).
/// </summary>
public static class VectorProcessor
{
    /// <summary>Throws <see cref="Mlx90640EepromException"/> when the EEPROM is refused.</summary>
    public static IReadOnlyList<ProcessedFrame> Run(SensorVector vector, OutOfRangePolicy outOfRange = OutOfRangePolicy.MarkInvalid)
    {
        ArgumentNullException.ThrowIfNull(vector);
        var calibration = Mlx90640Calibration.Extract(vector.EepromWords);
        var calculator = new TemperatureCalculator(calibration, outOfRange);
        var accumulated = new float[Mlx90640Calibration.PixelCount];
        var accumulatedComputed = new bool[Mlx90640Calibration.PixelCount];
        Array.Fill(accumulated, float.NaN);
        var results = new List<ProcessedFrame>(vector.Frames.Count);
        foreach (var frame in vector.Frames)
        {
            var subpage = frame.ToRawSubpage();
            var vdd = calculator.GetSupplyVoltage(subpage);
            var ta = calculator.GetAmbientTemperature(subpage);
            var tr = vector.ReflectedTemperatureFor(ta);
            var fresh = new float[Mlx90640Calibration.PixelCount];
            Array.Fill(fresh, float.NaN);
            calculator.CalculateObjectTemperatures(subpage, vector.Emissivity, tr, fresh);
            calculator.CalculateObjectTemperatures(subpage, vector.Emissivity, tr, accumulated);
            var pattern = TemperatureCalculator.GetReadingPattern(frame.ControlRegister);
            var computed = new bool[Mlx90640Calibration.PixelCount];
            for (var p = 0; p < computed.Length; p++)
            {
                computed[p] = TemperatureCalculator.SubpageOfPixel(p, pattern) == frame.Subpage;
                accumulatedComputed[p] |= computed[p];
            }

            float[]? corrected = null;
            if (Array.TrueForAll(accumulatedComputed, c => c))
            {
                corrected = (float[])accumulated.Clone();
                calculator.CorrectDeviatingPixels(corrected, pattern);
            }

            results.Add(new ProcessedFrame(frame.Subpage, vdd, ta, tr, fresh, computed, (float[])accumulated.Clone(), (bool[])accumulatedComputed.Clone(), corrected));
        }

        return results;
    }
}
