using System.Globalization;
using ThermoHand.Analysis;
using ThermoHand.Cli.Pictures;
using ThermoHand.Simulation;

namespace ThermoHand.Cli.Commands;

/// <summary>
/// strip.png: measured frames through the protocol — baseline, the first frame back from the water, then 1, 5, 10
/// and 15 minutes after challenge_end — on one colour scale, so rewarming reads left to right.
/// </summary>
internal static class SimulateStrip
{
    public static void Write(string path, IReadOnlyList<ThermalFrame> frames, ProtocolTimeline protocol)
    {
        var panels = new List<ThermalPanel>();
        var end = protocol.ChallengeEndSeconds;
        var frameInterval = frames.Count > 1 ? frames[1].TimeSeconds - frames[0].TimeSeconds : 1;
        var moments = new List<(double Time, string Caption)>
        {
            (protocol.ChallengeStartSeconds - Math.Min(10, protocol.BaselineSeconds / 2), "baseline"),
            // One frame after the hands are back, so both chess subpages of the frame saw the hand (a frame that
            // straddles the return shows a chequerboard: the real sensor does the same with motion).
            (end + protocol.ReturnDelaySeconds + frameInterval, "out of water"),
        };
        moments.AddRange(new[] { 1, 5, 10, 15 }.Select(m => (end + (60.0 * m), string.Create(CultureInfo.InvariantCulture, $"+{m} min"))));

        foreach (var (time, caption) in moments)
        {
            if (time > protocol.TotalSeconds)
            {
                continue;
            }

            // First frame at or after the moment (the hand must be back in view for "out of water"); the last moment may
            // fall just after the final frame, so accept the final frame if it is within a second and a half.
            var frame = frames.FirstOrDefault(f => f.TimeSeconds >= time)
                ?? (frames.Count > 0 && time - frames[^1].TimeSeconds <= 1.5 ? frames[^1] : null);
            if (frame is not null)
            {
                panels.Add(new ThermalPanel(frame.TemperaturesCelsius, string.Create(CultureInfo.InvariantCulture, $"{caption} ({frame.TimeSeconds:0} s)")));
            }
        }

        if (panels.Count == 0)
        {
            throw new IOException("no frames to draw for strip.png");
        }

        var renderer = new ThermalImageRenderer(TemperatureScale.Fit(panels.Select(p => p.TemperaturesCelsius)), pixelSize: 8);
        using var bitmap = renderer.RenderStrip(panels);
        ThermalImageRenderer.SavePng(bitmap, path);
    }
}
