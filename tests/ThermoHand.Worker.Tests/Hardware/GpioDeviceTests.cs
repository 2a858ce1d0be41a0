using System.Device.Gpio;
using Microsoft.Extensions.Time.Testing;
using ThermoHand.Worker.Hardware;

namespace ThermoHand.Worker.Tests.Hardware;

/// <summary>The real GPIO device classes on a simulated driver and a fake clock.</summary>
public sealed class GpioDeviceTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly SimulatedGpioDriver _driver = new();

    [Fact]
    public void The_gpio_button_is_pulled_up_and_reports_one_debounced_press_per_bouncing_push()
    {
        using var controller = new GpioController(_driver);
        int presses = 0;
        var button = new GpioPushButton(controller, 17, activeLow: true, TimeSpan.FromMilliseconds(30), _clock);
        button.Pressed += () => presses++;
        Assert.Equal(PinMode.InputPullUp, _driver.Modes[17]);

        // Active low: pressing pulls the pin to ground; the contact bounces for 3 ms.
        foreach (PinValue level in new[] { PinValue.Low, PinValue.High, PinValue.Low, PinValue.High, PinValue.Low })
        {
            _driver.SetInput(17, level);
            _clock.Advance(TimeSpan.FromMilliseconds(0.75));
        }

        _clock.Advance(TimeSpan.FromMilliseconds(40));
        Assert.Equal(1, presses);
        _driver.SetInput(17, PinValue.High);
        _clock.Advance(TimeSpan.FromMilliseconds(40));
        Assert.Equal(1, presses);

        button.Dispose();
        Assert.Equal(0, _driver.CallbackCount(17));
        Assert.False(_driver.Modes.ContainsKey(17));
    }

    [Fact]
    public void The_gpio_led_blinks_at_the_pattern_rate_and_stops_when_off()
    {
        using var controller = new GpioController(_driver);
        using var led = new GpioStatusLed(controller, 27, _clock);
        Assert.Equal(PinMode.Output, _driver.Modes[27]);

        led.Show(LedPattern.SlowBlink);
        Assert.Equal(PinValue.High, _driver.ValueOf(27));
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(PinValue.Low, _driver.ValueOf(27));
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(PinValue.High, _driver.ValueOf(27));

        led.Show(LedPattern.FastBlink);
        _clock.Advance(TimeSpan.FromMilliseconds(125));
        Assert.Equal(PinValue.Low, _driver.ValueOf(27));

        led.Show(LedPattern.Off);
        int writes = _driver.Writes.Count;
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(PinValue.Low, _driver.ValueOf(27));
        Assert.Equal(writes, _driver.Writes.Count);

        led.Show(LedPattern.On);
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(PinValue.High, _driver.ValueOf(27));
    }

    [Fact]
    public void The_gpio_buzzer_plays_the_pattern_on_its_pin()
    {
        using var controller = new GpioController(_driver);
        var buzzer = new GpioBuzzer(controller, 22, _clock);
        Assert.Equal(PinMode.Output, _driver.Modes[22]);
        buzzer.Play(BuzzerPattern.Repeat("one long", 1, 600, 100));
        Assert.Equal(PinValue.High, _driver.ValueOf(22));
        _clock.Advance(TimeSpan.FromMilliseconds(599));
        Assert.Equal(PinValue.High, _driver.ValueOf(22));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(PinValue.Low, _driver.ValueOf(22));

        buzzer.Play(BuzzerPattern.Repeat("one long", 1, 600, 100));
        buzzer.Dispose(); // switches the tone off before closing the pin
        Assert.Equal((22, PinValue.Low), _driver.Writes[^1]);
        Assert.False(_driver.Modes.ContainsKey(22));
    }

    [Fact]
    public void A_pin_that_cannot_be_opened_names_its_setting()
    {
        using var controller = new GpioController(_driver);
        _driver.BusyPins.Add(5);
        var error = Assert.Throws<HardwareUnavailableException>(() => new GpioPushButton(controller, 5, true, TimeSpan.FromMilliseconds(30), _clock));
        Assert.StartsWith("Hardware:Button:GpioPin 5: cannot open the button pin", error.Message);
        Assert.Contains("Device or resource busy", error.Message);
        Assert.Contains("Hardware:Button:Kind=Emulated", error.Message);
    }
}
