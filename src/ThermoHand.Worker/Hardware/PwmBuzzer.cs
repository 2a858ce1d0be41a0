namespace ThermoHand.Worker.Hardware;

/// <summary>
/// A passive buzzer driven by a hardware PWM channel (Iot.Device.Buzzer) at a set frequency — louder and
/// clearer than an active buzzer for a clinic room.
/// </summary>
public sealed class PwmBuzzer : IBuzzer
{
    private readonly Iot.Device.Buzzer.Buzzer _buzzer;
    private readonly BuzzerSequencer _sequencer;

    public PwmBuzzer(int chip, int channel, double frequencyHz, TimeProvider clock)
    {
        try
        {
            _buzzer = new Iot.Device.Buzzer.Buzzer(chip, channel);
        }
        catch (Exception e)
        {
            throw HardwareUnavailableException.For(
                "Hardware:Buzzer", $"Hardware:Buzzer:PwmChip {chip}/PwmChannel {channel}: cannot open the PWM channel (is the pwm overlay enabled?)", e);
        }

        _sequencer = new BuzzerSequencer(clock, on =>
        {
            if (on)
            {
                _buzzer.StartPlaying(frequencyHz);
            }
            else
            {
                _buzzer.StopPlaying();
            }
        });
    }

    public void Play(BuzzerPattern pattern) => _sequencer.Play(pattern);

    public void Dispose()
    {
        _sequencer.Dispose();
        _buzzer.Dispose();
    }
}
