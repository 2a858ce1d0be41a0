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

    /// <summary>
    /// Found by CI under load: the settle timer ran only after a 200 ms press had been released, saw "released" and
    /// reported nothing. A level that held for a whole window is now a press when the next edge comes, late timer or not.
    /// </summary>
    [Fact]
    public void A_press_held_longer_than_the_window_counts_even_when_the_settle_timer_runs_late()
    {
        var clock = new LateTimerClock();
        using var button = new ButtonDebouncer(clock, Window);
        int presses = 0, releases = 0;
        button.Pressed += () => presses++;
        button.Released += () => releases++;

        button.OnRawLevel(true);
        clock.Now += TimeSpan.FromMilliseconds(200); // held 200 ms; the timer has not run (a loaded machine)
        button.OnRawLevel(false);
        Assert.Equal(1, presses);

        clock.RunLateTimers(); // the late timer finally runs: no second press, and the release is reported
        clock.Now += Window;
        clock.RunLateTimers();
        Assert.Equal(1, presses);
        Assert.Equal(1, releases);

        // A glitch shorter than the window is still no press, whenever the timer runs.
        button.OnRawLevel(true);
        clock.Now += TimeSpan.FromMilliseconds(5);
        button.OnRawLevel(false);
        clock.Now += Window;
        clock.RunLateTimers();
        Assert.Equal(1, presses);
    }

    /// <summary>A clock whose timers run only when the test says so (as if the thread pool were starved).</summary>
    private sealed class LateTimerClock : TimeProvider
    {
        private readonly List<(TimerCallback Callback, object? State)> timers = [];

        public TimeSpan Now { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Now.Ticks;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            timers.Add((callback, state));
            return new NeverOnItsOwn();
        }

        public void RunLateTimers()
        {
            foreach (var (callback, state) in timers)
            {
                callback(state);
            }
        }

        private sealed class NeverOnItsOwn : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
