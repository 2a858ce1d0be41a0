namespace ThermoHand.Worker.Hardware;

/// <summary>One tone followed by silence.</summary>
public readonly record struct Beep(TimeSpan On, TimeSpan Off);

/// <summary>A named sequence of beeps: the sound of one cue.</summary>
public sealed record BuzzerPattern(string Name, IReadOnlyList<Beep> Beeps)
{
    public TimeSpan Duration => Beeps.Aggregate(TimeSpan.Zero, (sum, beep) => sum + beep.On + beep.Off);

    /// <summary><paramref name="count"/> equal beeps of <paramref name="onMilliseconds"/> with <paramref name="offMilliseconds"/> gaps.</summary>
    public static BuzzerPattern Repeat(string name, int count, int onMilliseconds, int offMilliseconds) =>
        new(name, Enumerable.Repeat(new Beep(TimeSpan.FromMilliseconds(onMilliseconds), TimeSpan.FromMilliseconds(offMilliseconds)), count).ToArray());
}

public interface IBuzzer : IDisposable
{
    /// <summary>Starts the pattern and returns at once; a new pattern replaces one still playing.</summary>
    void Play(BuzzerPattern pattern);
}
