using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ThermoHand.Analysis;
using ThermoHand.Recording.Native;
using ThermoHand.Streaming;
using ThermoHand.Worker.Calibration;
using ThermoHand.Worker.Configuration;
using ThermoHand.Worker.Health;
using ThermoHand.Worker.Protocol;
using ThermoHand.Worker.Services;
using ThermoHand.Worker.Storage;
using ThermoHand.Worker.Streaming;
using TrRule = ThermoHand.Recording.Native.ReflectedTemperatureRule;

namespace ThermoHand.Worker.Pipeline;

/// <summary>A sensor's place in the pipeline: the sensor and the writer end of its storage channel.</summary>
public sealed record SensorLane(ThermalSensor Sensor, ChannelWriter<PipelineItem> Storage);

/// <summary>How a closed session ended.</summary>
public sealed record SessionClosed(string SessionId, string Outcome, string? Reason, IReadOnlyList<HandSessionResult> Hands);

/// <summary>
/// Owns the life of a stored session: checks the disk before it starts, creates its recordings and its SQLite row,
/// passes protocol events, deviations and room/bath readings to the recordings, the store and the dashboard queue,
/// watches free space while it runs, and closes everything when the protocol completes or is aborted. All of this runs
/// on one loop (<see cref="RunAsync"/>), one step at a time, so session state needs no locks.
/// </summary>
public sealed class SessionCoordinator
{
    private readonly ProtocolSession protocol;
    private readonly PipelineClock clock;
    private readonly WorkerOptions options;
    private readonly SessionStore store;
    private readonly SessionFiles files;
    private readonly IFreeSpaceProbe freeSpace;
    private readonly IRecordingStreamFactory streams;
    private readonly IDeviceOutbox outbox;
    private readonly WorkerHealth health;
    private readonly IReadOnlyList<SensorLane> lanes;
    private readonly ILogger logger;
    private readonly Channel<Func<Task>> work = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<string> pendingDeviationCodes = [];
    private readonly ReferenceCheckRunner referenceChecks;
    private readonly Dictionary<int, ReferenceCheckResult> pendingReferenceChecks = []; // by sensor index; touched on the loop only
    private int checkingReference;
    private OpenSession? open;
    private double lastTransitionSessionSeconds;
    private string? stopReason;

    public SessionCoordinator(
        ProtocolSession protocol,
        PipelineClock clock,
        WorkerOptions options,
        SessionStore store,
        SessionFiles files,
        IFreeSpaceProbe freeSpace,
        IRecordingStreamFactory streams,
        IDeviceOutbox outbox,
        WorkerHealth health,
        IReadOnlyList<SensorLane> lanes,
        EnvironmentReadings environment,
        ILogger logger)
    {
        this.protocol = protocol;
        this.clock = clock;
        this.options = options;
        this.store = store;
        this.files = files;
        this.freeSpace = freeSpace;
        this.streams = streams;
        this.outbox = outbox;
        this.health = health;
        this.lanes = lanes;
        this.logger = logger;

        // Before any image is assembled: each sensor's newest site calibration (applied by its HandPipeline).
        SiteCalibrationLoader.Load(lanes.Select(l => l.Sensor), options.Calibration, clock.Clock.GetUtcNow(), health, logger);
        Calibrations = new SiteCalibrationReload(lanes.Select(l => l.Sensor).ToList(), options.Calibration, health, logger);
        referenceChecks = new ReferenceCheckRunner(options.Calibration.ReferenceCheck, clock.Clock);
        protocol.EventRecorded += OnProtocolEvent;
        protocol.DeviationRecorded += d => Post(() => OnDeviation(d));
        environment.Read += sample => Post(() => OnEnvironment(sample));
    }

    /// <summary>Raised on the coordinator loop after a session has been closed and stored.</summary>
    public event Action<SessionClosed>? Closed;

    /// <summary>The id of the session being recorded, null between sessions.</summary>
    public string? OpenSessionId => Volatile.Read(ref open)?.Id;

    /// <summary>Sessions closed since start.</summary>
    public int ClosedCount { get; private set; }

    /// <summary>Looks for a new calibration file between sessions (docs/worker.md §10, "A new file while the worker runs").</summary>
    public SiteCalibrationReload Calibrations { get; }

    /// <summary>
    /// Starts a stored session: refuses (with the reason) when the configured sensors do not cover the hands, the
    /// disk cannot hold the session, or the recordings cannot be created; then starts the protocol.
    /// </summary>
    public async Task<CommandResult> StartSessionAsync(SessionSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        if (options.Calibration.ReferenceCheck.BeforeEachSimulatedSession && lanes.All(l => l.Sensor.Patient is not null)
            && OpenSessionId is null && protocol.State == ProtocolState.SetUp)
        {
            // Simulation: the emulated sensors are shown the reference target first, so every session carries a check.
            _ = await RunReferenceCheckAsync().ConfigureAwait(false);
        }

        var done = new TaskCompletionSource<CommandResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            done.TrySetResult(Start(setup));
            return Task.CompletedTask;
        });
        return await done.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// The reference check offered before a test, run between sessions: every sensor looks at the reference target
    /// (in simulation it is shown one) and the mean of a central region over Calibration:ReferenceCheck:Images images is
    /// compared with <paramref name="referenceCelsius"/> (default Calibration:ReferenceCheck:ReferenceCelsius). The
    /// results show in health at once and are recorded with the next session; a failed check becomes that session's
    /// deviation <c>reference_check_failed</c>. Refused while a session is open or another check runs.
    /// </summary>
    public async Task<(CommandResult Result, IReadOnlyList<ReferenceCheckResult> Checks)> RunReferenceCheckAsync(double? referenceCelsius = null, CancellationToken token = default)
    {
        string? openId = OpenSessionId;
        if (openId is not null || protocol.State != ProtocolState.SetUp)
        {
            return (Refuse(openId is not null
                ? $"a reference check runs between sessions: session {openId} is in progress; finish or abort it first"
                : $"a reference check runs between sessions: the protocol is in {protocol.State}; restart it first"), []);
        }

        if (Interlocked.Exchange(ref checkingReference, 1) == 1)
        {
            return (Refuse("a reference check is already running; wait for its result"), []);
        }

        try
        {
            // On the loop, so it cannot interleave with a session start: a calibration file written since the last look
            // is what the check measures (its calibration_id says which).
            var looked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (work.Writer.TryWrite(() =>
                {
                    if (open is null)
                    {
                        Calibrations.LookAgain(clock.Clock.GetUtcNow());
                    }

                    looked.TrySetResult();
                    return Task.CompletedTask;
                }))
            {
                await looked.Task.ConfigureAwait(false);
            }

            var sensors = lanes.Select(l => l.Sensor).ToList();
            IReadOnlyList<ReferenceCheckResult> results = await referenceChecks.RunAsync(
                sensors, referenceCelsius ?? options.Calibration.ReferenceCheck.ReferenceCelsius, clock.Now / 60, token).ConfigureAwait(false);
            for (int i = 0; i < results.Count; i++)
            {
                health.RecordReferenceCheck(sensors[i].Index, results[i]);
                if (results[i].Passed)
                {
                    Log.ReferenceCheckPassed(logger, results[i].Message);
                }
                else
                {
                    Log.ReferenceCheckFailed(logger, results[i].Message);
                }
            }

            var recorded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            bool queued = work.Writer.TryWrite(() =>
            {
                for (int i = 0; i < results.Count; i++)
                {
                    pendingReferenceChecks[sensors[i].Index] = results[i]; // the newest check of a sensor replaces an older one
                }

                recorded.TrySetResult();
                return Task.CompletedTask;
            });
            if (queued)
            {
                await recorded.Task.ConfigureAwait(false);
            }

            // else: the worker is stopping; no session follows to record it with (the result was logged and is in health).
            return (CommandResult.Ok, results);
        }
        finally
        {
            Volatile.Write(ref checkingReference, 0);
        }
    }

    /// <summary>Where the protocol stands, for frame messages (read from the hand pipelines' threads).</summary>
    public ProtocolStatus Status()
    {
        double now = protocol.Now.TotalSeconds;
        TimeSpan? remaining = protocol.PhaseRemaining;
        bool started = protocol.State is not (ProtocolState.SetUp);
        return new ProtocolStatus(
            StateWord(protocol.State),
            started ? Math.Round(now - Volatile.Read(ref lastTransitionSessionSeconds), 2) : null,
            remaining is { } r ? Math.Round(r.TotalSeconds, 2) : null);
    }

    public static string StateWord(ProtocolState state) => JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());

    /// <summary>A hand pipeline could not write (disk full, card removed): stop the session cleanly.</summary>
    public void ReportHandFailure(Hand hand, string problem) => Post(() =>
    {
        if (open is not null)
        {
            StopSession($"{SessionFiles.HandWord(hand)} hand: {problem}");
        }

        return Task.CompletedTask;
    });

    /// <summary>Checks free space now; stops the running session before the disk fills.</summary>
    public void CheckFreeSpace() => Post(() =>
    {
        long free = MeasureFree();
        long margin = options.Storage.MinimumFreeMegabytes * 1024 * 1024;
        if (open is not null && free >= 0 && free < margin)
        {
            Log.DiskNearlyFull(logger, DiskSpaceBudget.Megabytes(free), files.Root, DiskSpaceBudget.Megabytes(margin));
            StopSession($"storage nearly full: {DiskSpaceBudget.Megabytes(free)} free, below the {DiskSpaceBudget.Megabytes(margin)} kept free (Storage:MinimumFreeMegabytes)");
        }

        return Task.CompletedTask;
    });

    /// <summary>Runs the coordinator loop until <see cref="CompleteAsync"/>.</summary>
    public async Task RunAsync()
    {
        await foreach (Func<Task> step in work.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await step().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException or JsonException)
            {
                // One failed step (a full disk while storing an event, …) must not end the loop that closes sessions.
                Log.SessionStepFailed(logger, e, open?.Id ?? "-", "a session step");
            }
        }
    }

    /// <summary>
    /// Clean shutdown: a running session is aborted ("worker stopped") and closed — recordings end normally, the
    /// store says why — then the loop ends.
    /// </summary>
    public async Task CompleteAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            if (open is not null)
            {
                stopReason ??= "the worker was stopped during the session";
                protocol.Abort(stopReason); // queues the "aborted" event, which closes the session
            }

            // Posted only now, so it runs after that event.
            Post(async () =>
            {
                if (open is not null)
                {
                    // The protocol could not be aborted (it had just completed): close with what it says.
                    await CloseAsync(protocol.State == ProtocolState.Complete ? "completed" : "aborted", stopReason).ConfigureAwait(false);
                }

                done.TrySetResult();
            });
            return Task.CompletedTask;
        });
        await done.Task.ConfigureAwait(false);
        work.Writer.TryComplete();
    }

    private void Post(Func<Task> step) => work.Writer.TryWrite(step);

    private void OnProtocolEvent(SessionEvent e)
    {
        // Synchronous part, on the thread that changed the protocol: the simulated hands must leave the view at the
        // exact moment of hands-in, not when the loop gets to it.
        double origin = clock.Now - protocol.Now.TotalSeconds;
        if (protocol.Setup?.Preset is { } preset)
        {
            foreach (SensorLane lane in lanes)
            {
                lane.Sensor.Patient?.OnProtocolEvent(e, preset, origin);
            }
        }

        if (e.Type is not (SessionEventNames.Paused or SessionEventNames.Resumed))
        {
            Volatile.Write(ref lastTransitionSessionSeconds, e.TimeSeconds);
        }

        Post(() => OnEventAsync(e));
    }

    private CommandResult Start(SessionSetup setup)
    {
        if (open is not null)
        {
            return Refuse($"session {open.Id} is still open; finish or abort it first");
        }

        IReadOnlyList<Hand> hands = setup.Hands.Hands();
        var missing = hands.Where(h => lanes.All(l => l.Sensor.Hand != h)).ToList();
        if (missing.Count > 0)
        {
            return Refuse($"no sensor looks at the {string.Join(" and ", missing.Select(SessionFiles.HandWord))} hand; set Sensors:N:Hand (one sensor per hand)");
        }

        if (SessionSetup.ValidatePatientReference(setup.PatientReference) is { } badReference)
        {
            return Refuse(badReference);
        }

        if (protocol.State != ProtocolState.SetUp)
        {
            return Refuse($"the protocol is in {protocol.State}; restart it before a new session");
        }

        if (Volatile.Read(ref checkingReference) == 1)
        {
            return Refuse("a reference check is running; start the session when it has finished");
        }

        // No session is open and this loop is the only place a session opens: a calibration file written since the last
        // look applies from this session on, and stays applied until it closes (stored, recorded and applied alike).
        Calibrations.LookAgain(clock.Clock.GetUtcNow());
        var sessionLanes = lanes.Where(l => hands.Contains(l.Sensor.Hand)).ToList();
        if (options.Calibration.Required && sessionLanes.FirstOrDefault(l => l.Sensor.Site.Applied is null) is { } uncalibrated)
        {
            CalibrationLookup? lookup = uncalibrated.Sensor.Site.Lookup;
            return Refuse($"Calibration:Required is true and {uncalibrated.Sensor.Key} (sensor {uncalibrated.Sensor.SensorId}) has no usable site calibration: " +
                          $"{lookup?.Problem ?? "not looked up"}. Calibrate the sensor (thermohand calibrate) or set Calibration:Required to false to run on the factory calibration");
        }

        long need = DiskSpaceBudget.Estimate(setup.Preset, sessionLanes.Count, sessionLanes.Max(l => l.Sensor.Options.RefreshRateHz));
        long free = MeasureFree();
        if (DiskSpaceBudget.CheckBeforeStart(free, need, options.Storage.MinimumFreeMegabytes * 1024 * 1024, files.Root) is { } diskProblem)
        {
            return Refuse(diskProblem);
        }

        OpenSession session;
        try
        {
            session = CreateStorage(setup, sessionLanes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            return Refuse($"the session's recordings could not be created in {files.Root}: {e.Message}");
        }

        CommandResult started = protocol.Start(setup);
        if (!started.Accepted)
        {
            session.Discard(files, store);
            return started;
        }

        open = session;
        stopReason = null;
        session.Origin = clock.Now - protocol.Now.TotalSeconds;
        foreach ((SensorLane lane, HandSessionRecording recording) in session.Recordings(clock.Now))
        {
            Write(lane, new OpenSessionItem(recording));
        }

        DateTimeOffset now = clock.Clock.GetUtcNow();
        TimeSpan warnBefore = TimeSpan.FromDays(options.Calibration.WarnBeforeExpiryDays);
        var checks = sessionLanes.Select(l => pendingReferenceChecks.GetValueOrDefault(l.Sensor.Index)).OfType<ReferenceCheckResult>().ToList();
        foreach (SensorLane lane in sessionLanes)
        {
            pendingReferenceChecks.Remove(lane.Sensor.Index); // recorded with this session, not again with the next
        }

        Enqueue(DeviceMessageKinds.SessionStarted, session.Id, CalibrationMessages.AddToSessionStarted(
            DeviceMessages.SessionStarted(
                setup, session.Emissivity, session.ReflectedRuleText, sessionLanes.Select(l => (l.Sensor.Hand, l.Sensor.SensorId, l.Sensor.Options.RefreshRateHz)).ToList(), session.StartedUtc),
            sessionLanes.Select(l => new CalibrationMessages.SensorRecord(
                l.Sensor.Hand, l.Sensor.SensorId, l.Sensor.Site.Lookup?.ForSession(now, warnBefore), l.Sensor.Site.Lookup?.FlagsAt(now, warnBefore) ?? [])).ToList(),
            checks));

        // Posted, so it runs after acclimatisation_start (already queued by protocol.Start): the calibration flags and
        // reference checks follow the session's first event in the store, the recordings and the dashboard queue.
        Post(() => RecordCalibration(session, sessionLanes, checks, now, warnBefore));
        Log.SessionStarted(logger, session.Id, setup.Hands.ToString(), setup.Preset.Name, files.SessionFolder(session.Id));
        return CommandResult.Ok;
    }

    private CommandResult Refuse(string reason)
    {
        Log.SessionStartRefused(logger, reason);
        return CommandResult.Refused(reason);
    }

    private OpenSession CreateStorage(SessionSetup setup, IReadOnlyList<SensorLane> sessionLanes)
    {
        DateTimeOffset started = clock.Clock.GetUtcNow();
        string id = started.UtcDateTime.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        string folder = files.SessionFolder(id);
        Directory.CreateDirectory(folder);
        var session = new OpenSession(id, setup, started);
        var rules = new List<string>();
        try
        {
            foreach (SensorLane lane in sessionLanes)
            {
                ThermalSensorOptions o = lane.Sensor.Options;
                (TrRule rule, float? fixedTr, string text) = ReflectedRule(o);
                rules.Add($"{SessionFiles.HandWord(lane.Sensor.Hand)}: {text}");
                var header = new RecordingHeader(lane.Sensor.EepromWords)
                {
                    ControlRegister = lane.Sensor.ControlRegister,
                    Emissivity = (float)o.Emissivity,
                    ReflectedTemperature = rule,
                    DeviceId = System.Environment.MachineName,
                    SensorId = lane.Sensor.SensorId,
                    Hand = lane.Sensor.Hand,
                    ProtocolPreset = setup.Preset.Name,
                    StartedUtc = started,
                    Software = "ThermoHand worker " + typeof(SessionCoordinator).Assembly.GetName().Version,
                };
                string path = files.Recording(id, lane.Sensor.Hand);
                Stream stream = streams.Create(path);
                SessionRecordingWriter writer;
                try
                {
                    writer = new SessionRecordingWriter(stream, header, timeProvider: clock.Clock);
                }
                catch
                {
                    stream.Dispose();
                    throw;
                }

                session.Hands.Add((lane, writer, fixedTr, files.AnalysisFile(id, lane.Sensor.Hand)));
            }

            session.Emissivity = sessionLanes[0].Sensor.Options.Emissivity;
            session.ReflectedRuleText = string.Join("; ", rules);
            var settings = JsonSerializer.Serialize(sessionLanes.Select(l => new
            {
                sensor = l.Sensor.Key,
                hand = SessionFiles.HandWord(l.Sensor.Hand),
                kind = l.Sensor.Options.Kind.ToString(),
                sensor_id = l.Sensor.SensorId,
                refresh_hz = l.Sensor.Options.RefreshRateHz,
                emissivity = l.Sensor.Options.Emissivity,
                reflected_temperature = l.Sensor.Options.ReflectedTemperature.ToString(),
                reflected_temperature_c = l.Sensor.Options.ReflectedTemperatureCelsius,
                calibration = l.Sensor.Site.Lookup?.ForSession(started, TimeSpan.FromDays(options.Calibration.WarnBeforeExpiryDays))?.ToJsonObject(),
                calibration_flags = l.Sensor.Site.Lookup?.FlagsAt(started, TimeSpan.FromDays(options.Calibration.WarnBeforeExpiryDays)) ?? [],
            }));
            store.Create(new StoredSession(
                id, setup.PatientReference, setup.Hands.ToString(), setup.Preset.Name, session.Emissivity, session.ReflectedRuleText, settings,
                sessionLanes.Select(l => SessionFiles.RecordingName(l.Sensor.Hand)).ToList(), SessionStates.Running, started, null, null, null, false, 0, null));
            return session;
        }
        catch
        {
            session.Discard(files, store: null);
            throw;
        }
    }

    /// <summary>The reflected-temperature rule of a sensor as recorded: Ta − 8, the room sensor's reading at start, or a fixed value.</summary>
    private (TrRule Rule, float? Fixed, string Text) ReflectedRule(ThermalSensorOptions o)
    {
        switch (o.ReflectedTemperature)
        {
            case Configuration.ReflectedTemperatureRule.Fixed when o.ReflectedTemperatureCelsius is { } c:
                return (new TrRule(ReflectedTemperatureMode.Fixed, c), (float)c, string.Create(CultureInfo.InvariantCulture, $"fixed {c:0.0} °C"));
            case Configuration.ReflectedTemperatureRule.RoomSensor when lastRoomCelsius is { } room:
                return (new TrRule(ReflectedTemperatureMode.Fixed, room), (float)room, string.Create(CultureInfo.InvariantCulture, $"room sensor {room:0.00} °C at start"));
            case Configuration.ReflectedTemperatureRule.RoomSensor:
                return (TrRule.VendorDefault, null, "room sensor (no reading yet, so sensor Ta − 8 °C)");
            default:
                return (TrRule.VendorDefault, null, "sensor Ta − 8 °C");
        }
    }

    private double? lastRoomCelsius;

    /// <summary>
    /// Records with the session which calibration each sensor used and the reference checks run before it: a
    /// site_calibration annotation per recording, each calibration flag and failed check as a deviation (store,
    /// recording, next environment message), each check as a reference_check event (store, recording, dashboard).
    /// </summary>
    private Task RecordCalibration(OpenSession session, IReadOnlyList<SensorLane> sessionLanes, IReadOnlyList<ReferenceCheckResult> checks, DateTimeOffset now, TimeSpan warnBefore)
    {
        if (!ReferenceEquals(open, session))
        {
            return Task.CompletedTask; // already closed
        }

        double t = Math.Max(0, Math.Round(protocol.Now.TotalSeconds, 3));
        foreach (SensorLane lane in sessionLanes)
        {
            CalibrationLookup? lookup = lane.Sensor.Site.Lookup;
            if (lookup is null)
            {
                continue;
            }

            string text = lookup.Describe(now, warnBefore);
            Write(lane, new AnnotationItem(new Annotation(t, "site_calibration",
                lookup.Calibration is null ? $"factory: {text}" : $"{lookup.CalibrationId} sha256 {lookup.FileSha256} ({Path.GetFileName(lookup.FilePath)}): {text}")));
            foreach (string flag in lookup.FlagsAt(now, warnBefore))
            {
                AddFlag(session, [lane], t, flag, double.NaN, double.NaN, double.NaN, string.Empty, $"{lane.Sensor.Key} ({SessionFiles.HandWord(lane.Sensor.Hand)} hand): {text}");
            }
        }

        foreach (ReferenceCheckResult check in checks)
        {
            store.AddReferenceCheck(session.Id, check);
            var e = new SessionEvent(t, ReferenceCheckResult.EventType);
            store.AddEvent(session.Id, t, e.Type);
            var handLanes = sessionLanes.Where(l => SessionFiles.HandWord(l.Sensor.Hand) == check.Hand).ToList();
            foreach (SensorLane lane in handLanes)
            {
                Write(lane, new EventItem(e));
                Write(lane, new AnnotationItem(new Annotation(t, ReferenceCheckResult.EventType, check.Message)));
            }

            Enqueue(DeviceMessageKinds.Event, session.Id, CalibrationMessages.ReferenceCheckEvent(e, handLanes.FirstOrDefault()?.Sensor.Hand, check));
            if (!check.Passed)
            {
                AddFlag(session, handLanes, t, ReferenceCheckResult.FailedCode, check.ErrorCelsius, -check.ToleranceCelsius, check.ToleranceCelsius, "°C", check.Message);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A calibration flag or failed reference check, stored like a protocol deviation (it biases the session's absolute temperatures).</summary>
    private void AddFlag(OpenSession session, IReadOnlyList<SensorLane> on, double t, string code, double measured, double low, double high, string unit, string message)
    {
        store.AddDeviation(session.Id, t, code, measured, low, high, unit, message);
        pendingDeviationCodes.Add(code);
        foreach (SensorLane lane in on)
        {
            Write(lane, new AnnotationItem(new Annotation(t, "deviation", $"{code}: {message}")));
        }
    }

    private async Task OnEventAsync(SessionEvent e)
    {
        if (open is null)
        {
            return; // e.g. "restarted" after a session was closed
        }

        store.AddEvent(open.Id, e.TimeSeconds, e.Type);
        foreach ((SensorLane lane, _, _, _) in open.Hands)
        {
            Write(lane, new EventItem(e));
        }

        // The aborted event says why in its detail (e.g. a full disk): with session_ended it may use the outbox's
        // end-of-session reserve, so the dashboard learns the reason even when nothing else fits on the disk.
        Enqueue(DeviceMessageKinds.Event, open.Id, DeviceMessages.Event(
            e, open.Hands.Count == 1 ? open.Hands[0].Lane.Sensor.Hand : null,
            e.Type == SessionEventNames.Aborted ? stopReason ?? protocol.AbortReason : null));
        switch (e.Type)
        {
            case SessionEventNames.RewarmingEnd:
                await CloseAsync("completed", null).ConfigureAwait(false);
                break;
            case SessionEventNames.Aborted:
                await CloseAsync("aborted", stopReason ?? protocol.AbortReason).ConfigureAwait(false);
                break;
        }
    }

    private Task OnDeviation(ProtocolDeviation d)
    {
        if (open is null)
        {
            return Task.CompletedTask;
        }

        store.AddDeviation(open.Id, d.TimeSeconds, d.Code, d.Measured, d.AllowedLow, d.AllowedHigh, d.Unit, d.Message);
        pendingDeviationCodes.Add(d.Code);
        foreach ((SensorLane lane, _, _, _) in open.Hands)
        {
            Write(lane, new AnnotationItem(new Annotation(d.TimeSeconds, "deviation", $"{d.Code}: {d.Message}")));
        }

        return Task.CompletedTask;
    }

    private Task OnEnvironment(EnvironmentSample sample)
    {
        if (sample.Quantity == EnvironmentQuantity.RoomTemperature)
        {
            lastRoomCelsius = sample.Value;
        }

        if (open is null)
        {
            return Task.CompletedTask;
        }

        double t = protocol.Now.TotalSeconds;
        var reading = new EnvironmentReading(t, sample.Quantity, sample.Value, sample.Source);
        foreach ((SensorLane lane, _, _, _) in open.Hands)
        {
            Write(lane, new EnvironmentItem(reading));
        }

        string[] deviations = [.. pendingDeviationCodes];
        pendingDeviationCodes.Clear();
        Enqueue(DeviceMessageKinds.Environment, open.Id, DeviceMessages.Environment(
            t,
            sample.Quantity == EnvironmentQuantity.RoomTemperature ? sample.Value : null,
            sample.Quantity == EnvironmentQuantity.RoomHumidity ? sample.Value : null,
            sample.Quantity == EnvironmentQuantity.WaterBathTemperature ? sample.Value : null,
            deviations));
        return Task.CompletedTask;
    }

    /// <summary>Aborts the protocol with a reason; the aborted event then closes the session.</summary>
    private void StopSession(string reason)
    {
        if (stopReason is not null)
        {
            return; // already stopping
        }

        stopReason = reason;
        if (!protocol.Abort(reason).Accepted)
        {
            // Not abortable (already complete): the completion path closes the session.
            stopReason = null;
        }
    }

    private async Task CloseAsync(string outcome, string? reason)
    {
        OpenSession? session = open;
        if (session is null)
        {
            return;
        }

        var results = new List<HandSessionResult>();
        foreach ((SensorLane lane, _, _, _) in session.Hands)
        {
            var done = new TaskCompletionSource<HandSessionResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            Write(lane, new CloseSessionItem(done));
            results.Add(await done.Task.ConfigureAwait(false));
        }

        string? failure = results.Select(r => r.Failure).FirstOrDefault(f => f is not null);
        string? why = reason ?? failure;
        long subpages = results.Sum(r => r.SubpagesRecorded);
        double last = results.Select(r => r.LastTimeSeconds ?? 0).DefaultIfEmpty(0).Max();
        string state = outcome == "completed" ? SessionStates.Completed : SessionStates.Aborted;
        store.End(session.Id, state, outcome, why, clock.Clock.GetUtcNow(), subpages, last);
        Enqueue(DeviceMessageKinds.SessionEnded, session.Id, DeviceMessages.SessionEnded(Math.Round(protocol.Now.TotalSeconds, 3), outcome, why));
        Log.SessionEnded(logger, session.Id, outcome, subpages, last, why is null ? string.Empty : " — " + why);
        Volatile.Write(ref open, null);
        stopReason = null;
        pendingDeviationCodes.Clear();
        ClosedCount++;
        Closed?.Invoke(new SessionClosed(session.Id, outcome, why, results));
    }

    private long MeasureFree()
    {
        try
        {
            Directory.CreateDirectory(files.Root);
            long free = freeSpace.FreeBytes(files.Root);
            health.RecordFreeBytes(free);
            return free;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private void Enqueue(string kind, string sessionId, JsonElement payload)
    {
        try
        {
            outbox.Enqueue(kind, sessionId, payload);
        }
        catch (IOException e)
        {
            Log.OutboxFailed(logger, kind, e.Message);
        }
    }

    private static void Write(SensorLane lane, PipelineItem item)
    {
        // Session markers wait for room like subpages do: nothing in this channel is ever dropped.
        if (!lane.Storage.TryWrite(item))
        {
            lane.Storage.WriteAsync(item).AsTask().GetAwaiter().GetResult();
        }
    }

    private sealed class OpenSession(string id, SessionSetup setup, DateTimeOffset startedUtc)
    {
        public string Id { get; } = id;

        public SessionSetup Setup { get; } = setup;

        public DateTimeOffset StartedUtc { get; } = startedUtc;

        public double Origin { get; set; }

        public double Emissivity { get; set; }

        public string ReflectedRuleText { get; set; } = string.Empty;

        public List<(SensorLane Lane, SessionRecordingWriter Writer, float? FixedTr, string AnalysisFile)> Hands { get; } = [];

        public IEnumerable<(SensorLane Lane, HandSessionRecording Recording)> Recordings(double now) =>
            Hands.Select(h => (h.Lane, new HandSessionRecording(Id, Origin, h.Writer, h.FixedTr, h.AnalysisFile)));

        /// <summary>Undoes a session that never started: closes and deletes its files (they hold only headers).</summary>
        public void Discard(SessionFiles files, SessionStore? store)
        {
            foreach (var h in Hands)
            {
                try
                {
                    h.Writer.Dispose();
                }
                catch (IOException)
                {
                    // Being deleted anyway.
                }
            }

            try
            {
                Directory.Delete(files.SessionFolder(Id), recursive: true);
            }
            catch (IOException)
            {
                // Left behind; harmless (no row points to it).
            }

            store?.End(Id, SessionStates.Aborted, "aborted", "the protocol refused to start", StartedUtc, 0, null);
        }
    }
}
