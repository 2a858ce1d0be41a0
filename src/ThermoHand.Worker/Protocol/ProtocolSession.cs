using ThermoHand.Analysis;

namespace ThermoHand.Worker.Protocol;

/// <summary>
/// The cold-challenge protocol as a state machine that guides the clinician:
/// SetUp → Acclimatising → BaselineCapture → ReadyForChallenge → Immersion → Rewarming → Complete,
/// with Abort, Pause/Resume and Restart. Pure apart from the injected <see cref="TimeProvider"/>: the host calls
/// <see cref="Tick"/> regularly so timed phases end, and feeds room and bath readings in; tests move a fake clock.
/// Every transition is a <see cref="SessionEvent"/> on the session clock (t = 0 at acclimatisation start);
/// commands that do not fit the current state are refused with a reason, never silently ignored.
/// Thread-safe: button callbacks, the ticker and the dashboard may call concurrently.
/// </summary>
public sealed class ProtocolSession
{
    /// <summary>A bath reading older than this at hands-in does not count as "measured at challenge start".</summary>
    public static readonly TimeSpan BathReadingMaximumAge = TimeSpan.FromMinutes(2);

    private readonly TimeProvider _clock;
    private readonly IProtocolCueOutput _cues;
    private readonly Lock _gate = new();
    private readonly List<SessionEvent> _events = [];
    private readonly List<ProtocolDeviation> _deviations = [];
    private readonly List<ProtocolAttempt> _previousAttempts = [];

    // Notifications are queued under the lock and raised after it is released, so a handler that reads the
    // session (e.g. the dashboard) cannot deadlock against a command running on another thread.
    private readonly List<Action> _pending = [];

    private long _originTimestamp;
    private bool _clockStarted;
    private PhaseTimer? _phase;
    private TimeSpan _immersionStartedAt;
    private bool _endingSoonCued;
    private bool _timeUpCued;
    private bool _roomTemperatureOut;
    private bool _roomHumidityOut;
    private bool _bathOut;
    private (TimeSpan At, double Celsius)? _lastBath;

    public ProtocolSession(TimeProvider clock, IProtocolCueOutput cues)
    {
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _cues = cues ?? throw new ArgumentNullException(nameof(cues));
    }

    /// <summary>Raised after each recorded transition (for the recorder and the dashboard).</summary>
    public event Action<SessionEvent>? EventRecorded;

    /// <summary>Raised after each deviation is recorded.</summary>
    public event Action<ProtocolDeviation>? DeviationRecorded;

    public ProtocolState State { get; private set; } = ProtocolState.SetUp;

    public bool IsPaused { get; private set; }

    public SessionSetup? Setup { get; private set; }

    public int AttemptNumber { get; private set; } = 1;

    public string? AbortReason { get; private set; }

    /// <summary>Time on the session clock: zero until <see cref="Start"/>, then time since acclimatisation start.</summary>
    public TimeSpan Now
    {
        get
        {
            lock (_gate)
            {
                return CurrentTime();
            }
        }
    }

    public IReadOnlyList<SessionEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return _events.ToArray();
            }
        }
    }

    public IReadOnlyList<ProtocolDeviation> Deviations
    {
        get
        {
            lock (_gate)
            {
                return _deviations.ToArray();
            }
        }
    }

    public IReadOnlyList<ProtocolAttempt> PreviousAttempts
    {
        get
        {
            lock (_gate)
            {
                return _previousAttempts.ToArray();
            }
        }
    }

    /// <summary>Running time left in the current timed phase (null when no timer applies). Negative never.</summary>
    public TimeSpan? PhaseRemaining
    {
        get
        {
            lock (_gate)
            {
                if (Setup is null)
                {
                    return null;
                }

                TimeSpan now = CurrentTime();
                TimeSpan? remaining = State switch
                {
                    ProtocolState.Acclimatising => Setup.Preset.Acclimatisation - _phase!.Elapsed(now),
                    ProtocolState.BaselineCapture => Setup.Preset.BaselineCapture - _phase!.Elapsed(now),
                    ProtocolState.Immersion => Setup.Preset.Immersion - (now - _immersionStartedAt),
                    ProtocolState.Rewarming => Setup.Preset.Rewarming - _phase!.Elapsed(now),
                    _ => null,
                };
                return remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining;
            }
        }
    }

    /// <summary>The current attempt as a record (also valid while it is still running).</summary>
    public ProtocolAttempt Snapshot()
    {
        lock (_gate)
        {
            return CurrentAttempt();
        }
    }

    /// <summary>SetUp → Acclimatising. Starts the session clock.</summary>
    public CommandResult Start(SessionSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        return Run(() =>
        {
            if (State != ProtocolState.SetUp)
            {
                return Refuse($"the session has already started (state {State}); use restart for a new attempt");
            }

            if (SessionSetup.ValidatePatientReference(setup.PatientReference) is { } problem)
            {
                return Refuse(problem);
            }

            Setup = setup;
            _originTimestamp = _clock.GetTimestamp();
            _clockStarted = true;
            _phase = PhaseTimer.StartAt(TimeSpan.Zero);
            Enter(ProtocolState.Acclimatising, SessionEventNames.AcclimatisationStart, TimeSpan.Zero, ProtocolCue.AcclimatisationStarted);
            return CommandResult.Ok;
        });
    }

    /// <summary>
    /// Acclimatising → BaselineCapture before the acclimatisation timer has run out. Allowed (the clinic may be
    /// short of time) but recorded as a deviation with the actual acclimatisation time.
    /// </summary>
    public CommandResult BeginBaselineNow() => Run(() =>
    {
        if (State != ProtocolState.Acclimatising)
        {
            return Refuse($"baseline can only be started early during acclimatisation (state {State})");
        }

        if (IsPaused)
        {
            return Refuse("the session is paused: resume first");
        }

        TimeSpan now = CurrentTime();
        TimeSpan done = _phase!.Elapsed(now);
        TimeSpan required = Setup!.Preset.Acclimatisation;
        AddDeviation(new ProtocolDeviation(
            DeviationKind.AcclimatisationCutShort, now.TotalSeconds, done.TotalMinutes, required.TotalMinutes, double.PositiveInfinity, "min",
            $"acclimatisation cut short after {done.TotalMinutes:0.0} min; the protocol asks for at least {required.TotalMinutes:0} min"));
        EnterBaseline(now);
        return CommandResult.Ok;
    });

    /// <summary>ReadyForChallenge → Immersion: the gloved hands go into the water (challenge_start).</summary>
    public CommandResult HandsIn() => Run(() =>
    {
        if (IsPaused)
        {
            return Refuse("the session is paused: resume first");
        }

        if (State != ProtocolState.ReadyForChallenge)
        {
            return Refuse(State switch
            {
                ProtocolState.SetUp => "hands-in before the session has started: enter the patient reference and start",
                ProtocolState.Acclimatising or ProtocolState.BaselineCapture =>
                    $"hands-in during {State}: wait for the baseline to finish (ready cue) — {Remaining()} left",
                ProtocolState.Immersion => "hands-in again: the hands are already in the water",
                _ => $"hands-in after the challenge (state {State}): restart for a new attempt",
            });
        }

        TimeSpan now = CurrentTime();
        CheckBathMeasuredAtChallenge(now);
        _immersionStartedAt = now;
        _endingSoonCued = false;
        _timeUpCued = false;
        _phase = null;
        Enter(ProtocolState.Immersion, SessionEventNames.ChallengeStart, now, ProtocolCue.ImmersionStarted);
        return CommandResult.Ok;
    });

    /// <summary>Immersion → Rewarming: the hands leave the water (challenge_end, rewarming time 0).</summary>
    public CommandResult HandsOut() => Run(() =>
    {
        if (State != ProtocolState.Immersion)
        {
            return Refuse(State switch
            {
                ProtocolState.SetUp or ProtocolState.Acclimatising or ProtocolState.BaselineCapture or ProtocolState.ReadyForChallenge =>
                    "hands-out before hands-in: the hands are not in the water yet",
                ProtocolState.Rewarming => "hands-out again: the hands are already out and rewarming is running",
                _ => $"hands-out after the session ended (state {State})",
            });
        }

        TimeSpan now = CurrentTime();
        TimeSpan immersed = now - _immersionStartedAt;
        ProtocolPreset preset = Setup!.Preset;
        double low = (preset.Immersion - preset.ImmersionTolerance).TotalSeconds;
        double high = (preset.Immersion + preset.ImmersionTolerance).TotalSeconds;
        if (immersed.TotalSeconds < low || immersed.TotalSeconds > high)
        {
            bool tooShort = immersed.TotalSeconds < low;
            AddDeviation(new ProtocolDeviation(
                tooShort ? DeviationKind.ImmersionTooShort : DeviationKind.ImmersionTooLong,
                now.TotalSeconds, immersed.TotalSeconds, low, high, "s",
                $"immersion lasted {immersed.TotalSeconds:0.0} s; the {preset.Name} protocol asks for " +
                $"{preset.Immersion.TotalSeconds:0} ± {preset.ImmersionTolerance.TotalSeconds:0} s"));
        }

        _phase = PhaseTimer.StartAt(now);
        Enter(ProtocolState.Rewarming, SessionEventNames.ChallengeEnd, now, ProtocolCue.RewarmingStarted);
        return CommandResult.Ok;
    });

    /// <summary>
    /// Stops the phase timer. Allowed while acclimatising, capturing the baseline or rewarming. Not during immersion:
    /// the cold acts whether or not a timer runs, so the clinician takes the hands out or aborts instead.
    /// A pause during rewarming is recorded as a deviation (the hands may have left the sensor's view).
    /// </summary>
    public CommandResult Pause() => Run(() =>
    {
        if (IsPaused)
        {
            return Refuse("the session is already paused");
        }

        if (State is not (ProtocolState.Acclimatising or ProtocolState.BaselineCapture or ProtocolState.Rewarming))
        {
            return Refuse(State == ProtocolState.Immersion
                ? "cannot pause during immersion: the hands are in the water; take them out (hands-out) or abort"
                : $"nothing to pause in state {State}: no timer is running");
        }

        TimeSpan now = CurrentTime();
        _phase!.Pause(now);
        IsPaused = true;
        if (State == ProtocolState.Rewarming)
        {
            AddDeviation(new ProtocolDeviation(
                DeviationKind.RewarmingInterrupted, now.TotalSeconds, _phase.Elapsed(now).TotalSeconds, double.NaN, double.NaN, "s",
                $"rewarming paused {_phase.Elapsed(now).TotalSeconds:0} s after the hands left the water"));
        }

        Record(SessionEventNames.Paused, now);
        Cue(ProtocolCue.Paused);
        return CommandResult.Ok;
    });

    /// <summary>Restarts the phase timer where it stopped.</summary>
    public CommandResult Resume() => Run(() =>
    {
        if (!IsPaused)
        {
            return Refuse($"resume without pause: the session is not paused (state {State})");
        }

        TimeSpan now = CurrentTime();
        _phase!.Resume(now);
        IsPaused = false;
        Record(SessionEventNames.Resumed, now);
        Cue(ProtocolCue.Resumed);
        return CommandResult.Ok;
    });

    /// <summary>Ends the attempt early from any running state; the record is kept and marked aborted.</summary>
    public CommandResult Abort(string reason) => Run(() =>
    {
        if (State == ProtocolState.SetUp)
        {
            return Refuse("nothing to abort: the session has not started");
        }

        if (State is ProtocolState.Complete or ProtocolState.Aborted)
        {
            return Refuse($"nothing to abort: the session has already ended (state {State})");
        }

        AbortCore(string.IsNullOrWhiteSpace(reason) ? "no reason given" : reason.Trim());
        return CommandResult.Ok;
    });

    /// <summary>
    /// Archives the current attempt (aborting it first if it is still running) and returns to SetUp for a new
    /// attempt with a fresh session clock and event log.
    /// </summary>
    public CommandResult Restart() => Run(() =>
    {
        if (State == ProtocolState.SetUp)
        {
            return Refuse("nothing to restart: the session has not started");
        }

        if (State is not (ProtocolState.Complete or ProtocolState.Aborted))
        {
            AbortCore("restarted");
        }

        Record(SessionEventNames.Restarted, CurrentTime());
        _previousAttempts.Add(CurrentAttempt());
        _events.Clear();
        _deviations.Clear();
        _phase = null;
        _clockStarted = false;
        _lastBath = null;
        _roomTemperatureOut = _roomHumidityOut = _bathOut = false;
        IsPaused = false;
        AbortReason = null;
        AttemptNumber++;
        State = ProtocolState.SetUp;
        return CommandResult.Ok;
    });

    /// <summary>Ends timed phases whose time has run out and gives the immersion cues. Call often (≥ 1 Hz).</summary>
    public void Tick() => Run(() => CommandResult.Ok);

    /// <summary>A room reading (BME280 or emulated). Out-of-band excursions become deviations once per excursion.</summary>
    public void RecordRoomConditions(double temperatureCelsius, double relativeHumidityPercent) => Run(() =>
    {
        if (!IsRunning())
        {
            return CommandResult.Ok;
        }

        TimeSpan now = CurrentTime();
        ProtocolPreset preset = Setup!.Preset;
        CheckBand(ref _roomTemperatureOut, preset.IsRoomInBand(temperatureCelsius), () => new ProtocolDeviation(
            DeviationKind.RoomTemperatureOutOfBand, now.TotalSeconds, temperatureCelsius,
            preset.RoomSetPointCelsius - preset.RoomToleranceCelsius, preset.RoomSetPointCelsius + preset.RoomToleranceCelsius, "°C",
            $"room at {temperatureCelsius:0.0} °C during {State}; the protocol asks for {preset.RoomSetPointCelsius:0} ± {preset.RoomToleranceCelsius:0} °C"));
        CheckBand(ref _roomHumidityOut, ProtocolPreset.IsHumidityInBand(relativeHumidityPercent), () => new ProtocolDeviation(
            DeviationKind.RoomHumidityOutOfBand, now.TotalSeconds, relativeHumidityPercent,
            ProtocolPreset.MinimumRoomHumidityPercent, ProtocolPreset.MaximumRoomHumidityPercent, "%",
            $"room humidity {relativeHumidityPercent:0} % during {State}; the thermography checklist asks for " +
            $"{ProtocolPreset.MinimumRoomHumidityPercent:0}–{ProtocolPreset.MaximumRoomHumidityPercent:0} %"));
        return CommandResult.Ok;
    });

    /// <summary>
    /// A water-bath reading (DS18B20 or emulated). Judged against the set point from ready-for-challenge until the
    /// hands leave the water; earlier the bath may still be settling.
    /// </summary>
    public void RecordBathTemperature(double celsius) => Run(() =>
    {
        if (!IsRunning())
        {
            return CommandResult.Ok;
        }

        TimeSpan now = CurrentTime();
        _lastBath = (now, celsius);
        if (State is ProtocolState.ReadyForChallenge or ProtocolState.Immersion)
        {
            CheckBath(now, celsius);
        }

        return CommandResult.Ok;
    });

    private CommandResult Run(Func<CommandResult> command)
    {
        CommandResult result;
        Action[] notifications;
        lock (_gate)
        {
            AdvanceTimers();
            result = command();
            notifications = _pending.ToArray();
            _pending.Clear();
        }

        foreach (Action notify in notifications)
        {
            notify();
        }

        return result;
    }

    /// <summary>Ends every timed phase whose running time is up, stamping each event at its exact deadline.</summary>
    private void AdvanceTimers()
    {
        if (!_clockStarted || IsPaused || Setup is null)
        {
            return;
        }

        TimeSpan now = CurrentTime();
        ProtocolPreset preset = Setup.Preset;
        bool changed;
        do
        {
            changed = false;
            switch (State)
            {
                case ProtocolState.Acclimatising when _phase!.Elapsed(now) >= preset.Acclimatisation:
                    EnterBaseline(_phase.WhenElapsedReaches(preset.Acclimatisation)!.Value);
                    changed = true;
                    break;
                case ProtocolState.BaselineCapture when _phase!.Elapsed(now) >= preset.BaselineCapture:
                    TimeSpan baselineEnd = _phase.WhenElapsedReaches(preset.BaselineCapture)!.Value;
                    _phase = null;
                    Enter(ProtocolState.ReadyForChallenge, SessionEventNames.BaselineEnd, baselineEnd, ProtocolCue.ReadyForChallenge);
                    changed = true;
                    break;
                case ProtocolState.Immersion:
                    TimeSpan immersed = now - _immersionStartedAt;
                    if (!_endingSoonCued && immersed >= preset.Immersion - ProtocolPreset.ImmersionEndWarning)
                    {
                        _endingSoonCued = true;
                        Cue(ProtocolCue.ImmersionEndingSoon);
                    }

                    if (!_timeUpCued && immersed >= preset.Immersion)
                    {
                        _timeUpCued = true;
                        Cue(ProtocolCue.ImmersionTimeUp);
                    }

                    break;
                case ProtocolState.Rewarming when _phase!.Elapsed(now) >= preset.Rewarming:
                    TimeSpan rewarmingEnd = _phase.WhenElapsedReaches(preset.Rewarming)!.Value;
                    _phase = null;
                    Enter(ProtocolState.Complete, SessionEventNames.RewarmingEnd, rewarmingEnd, ProtocolCue.SessionComplete);
                    break;
            }
        }
        while (changed);
    }

    private void EnterBaseline(TimeSpan at)
    {
        _phase = PhaseTimer.StartAt(at);
        Enter(ProtocolState.BaselineCapture, SessionEventNames.BaselineStart, at, ProtocolCue.BaselineStarted);
    }

    private void AbortCore(string reason)
    {
        TimeSpan now = CurrentTime();
        _phase?.Pause(now);
        IsPaused = false;
        AbortReason = reason;
        Enter(ProtocolState.Aborted, SessionEventNames.Aborted, now, ProtocolCue.Aborted);
    }

    private void CheckBathMeasuredAtChallenge(TimeSpan now)
    {
        ProtocolPreset preset = Setup!.Preset;
        if (_lastBath is not { } last || now - last.At > BathReadingMaximumAge)
        {
            AddDeviation(new ProtocolDeviation(
                DeviationKind.BathTemperatureNotMeasured, now.TotalSeconds, double.NaN,
                preset.BathSetPointCelsius - preset.BathToleranceCelsius, preset.BathSetPointCelsius + preset.BathToleranceCelsius, "°C",
                $"no water-bath reading in the {BathReadingMaximumAge.TotalMinutes:0} min before hands-in; the bath temperature at challenge start is unknown"));
            return;
        }

        CheckBath(now, last.Celsius);
    }

    private void CheckBath(TimeSpan now, double celsius)
    {
        ProtocolPreset preset = Setup!.Preset;
        CheckBand(ref _bathOut, preset.IsBathInBand(celsius), () => new ProtocolDeviation(
            DeviationKind.BathTemperatureOutOfBand, now.TotalSeconds, celsius,
            preset.BathSetPointCelsius - preset.BathToleranceCelsius, preset.BathSetPointCelsius + preset.BathToleranceCelsius, "°C",
            $"water bath at {celsius:0.0} °C during {State}; the {preset.Name} protocol asks for " +
            $"{preset.BathSetPointCelsius:0} ± {preset.BathToleranceCelsius:0} °C"));
    }

    /// <summary>One deviation per excursion: flagged when the value leaves the band, re-armed when it returns.</summary>
    private void CheckBand(ref bool isOut, bool inBand, Func<ProtocolDeviation> deviation)
    {
        if (inBand)
        {
            isOut = false;
        }
        else if (!isOut)
        {
            isOut = true;
            AddDeviation(deviation());
        }
    }

    private bool IsRunning() => State is not (ProtocolState.SetUp or ProtocolState.Complete or ProtocolState.Aborted);

    private string Remaining()
    {
        TimeSpan now = CurrentTime();
        TimeSpan left = State == ProtocolState.Acclimatising
            ? Setup!.Preset.Acclimatisation - _phase!.Elapsed(now) + Setup.Preset.BaselineCapture
            : Setup!.Preset.BaselineCapture - _phase!.Elapsed(now);
        return $"{Math.Max(0, left.TotalSeconds):0} s";
    }

    private void Enter(ProtocolState state, string eventType, TimeSpan at, ProtocolCue cue)
    {
        State = state;
        Record(eventType, at);
        Cue(cue);
    }

    private void Record(string type, TimeSpan at)
    {
        var recorded = new SessionEvent(at.TotalSeconds, type);
        _events.Add(recorded);
        _pending.Add(() => EventRecorded?.Invoke(recorded));
    }

    private void AddDeviation(ProtocolDeviation deviation)
    {
        _deviations.Add(deviation);
        _pending.Add(() => DeviationRecorded?.Invoke(deviation));
        Cue(ProtocolCue.DeviationRecorded);
    }

    private CommandResult Refuse(string reason)
    {
        Cue(ProtocolCue.CommandRefused);
        return CommandResult.Refused(reason);
    }

    private void Cue(ProtocolCue cue) => _pending.Add(() => _cues.Request(cue));

    private TimeSpan CurrentTime() => _clockStarted ? _clock.GetElapsedTime(_originTimestamp) : TimeSpan.Zero;

    private ProtocolAttempt CurrentAttempt() =>
        new(AttemptNumber, Setup, State, _events.ToArray(), _deviations.ToArray(), AbortReason);
}
