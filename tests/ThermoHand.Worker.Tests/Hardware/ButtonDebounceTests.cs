using Microsoft.Extensions.Time.Testing;
using ThermoHand.Worker.Hardware;

namespace ThermoHand.Worker.Tests.Hardware;

public sealed class ButtonDebounceTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(30);
    private readonly FakeTimeProvider _clock = new();
    private readonly EmulatedPushButton _button;
    private int _presses;

    public ButtonDebounceTests()
    {
        _button = new EmulatedPushButton(Window, _clock);
        _button.Pressed += () => _presses++;
    }

    private void AfterMilliseconds(double ms) => _clock.Advance(TimeSpan.FromMilliseconds(ms));

    [Fact]
    public void A_bouncing_contact_gives_one_press_after_the_window()
    {
        // Typical contact bounce: five edges within 4 ms, then closed.
        foreach (bool level in new[] { true, false, true, false, true })
        {
            _button.SetContact(level);
            AfterMilliseconds(1);
        }

        AfterMilliseconds(28); // the loop already waited 1 ms after the last edge: now 29 ms, not yet trusted
        Assert.Equal(0, _presses);
        AfterMilliseconds(1);
        Assert.Equal(1, _presses);

        // Release also bounces; it must not produce another press.
        foreach (bool level in new[] { false, true, false, true, false })
        {
            _button.SetContact(level);
            AfterMilliseconds(2);
        }

        AfterMilliseconds(100);
        Assert.Equal(1, _presses);
    }

    [Fact]
    public void A_glitch_shorter_than_the_window_is_not_a_press()
    {
        _button.CloseContact();
        AfterMilliseconds(10);
        _button.ReleaseContact();
        AfterMilliseconds(200);
        Assert.Equal(0, _presses);
    }

    [Fact]
    public void Two_clean_presses_are_two_presses()
    {
        for (int i = 0; i < 2; i++)
        {
            _button.CloseContact();
            AfterMilliseconds(80);
            _button.ReleaseContact();
            AfterMilliseconds(120);
        }

        Assert.Equal(2, _presses);
    }

    [Fact]
    public void Holding_the_button_is_one_press()
    {
        _button.CloseContact();
        AfterMilliseconds(5000);
        Assert.Equal(1, _presses);
    }

    [Fact]
    public void The_window_must_be_positive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ButtonDebouncer(_clock, TimeSpan.Zero));
}
