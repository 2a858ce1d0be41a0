using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using ThermoHand.Analysis;
using ThermoHand.Analysis.Reanalysis;
using ThermoHand.Analysis.Results;
using ThermoHand.Calibration;
using ThermoHand.Dashboard.Extensions;
using ThermoHand.Dashboard.Security;
using ThermoHand.Dashboard.Storage;

namespace ThermoHand.Dashboard.Apis;

/// <summary>
/// Re-analysis of a stored session into a new, versioned result (docs/reanalysis.md): the form on the session report
/// posts here (Reanalyse policy: researchers and clinicians); the work runs in the background and the report shows
/// "running…" until the new version appears. Every start, result and refusal is in the audit trail.
/// </summary>
public static class ReanalysisApi
{
    /// <summary>Audit actions of this feature.</summary>
    public const string ReanalyseAction = "reanalyse", ReanalyseFailedAction = "reanalyse_failed", ViewVersionAction = "view_analysis_version";

    public static IEndpointRouteBuilder MapReanalysisApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/sessions/{sessionId}/reanalyse", StartAsync).RequireAuthorization(ClinicPolicies.Reanalyse);
        app.MapGet("/sessions/{sessionId}/reanalyse/status", Status).RequireAuthorization(ClinicPolicies.Reanalyse);
        app.MapGet("/sessions/{sessionId}/analysis/v{version:int}.json", VersionJsonAsync).RequireAuthorization(ClinicPolicies.ViewSessions);
        return app;
    }

    private static async Task<IResult> StartAsync(
        string sessionId, [FromForm] IFormCollection form, ClaimsPrincipal user, IClinicStore store, ReanalysisJobs jobs, AuditTrail audit,
        CancellationToken cancellationToken)
    {
        var session = await store.GetSessionAsync(sessionId, cancellationToken);
        if (session is null)
        {
            return Results.NotFound();
        }

        var back = "/sessions/" + Uri.EscapeDataString(sessionId) + "#analysis-versions";
        ReanalysisRequest request;
        try
        {
            request = await ReanalysisRequest.ReadAsync(form, cancellationToken);
        }
        catch (ReanalysisException problem)
        {
            jobs.Refuse(sessionId, problem.Message);
            await audit.RecordAsync(user, ReanalyseFailedAction, "session", sessionId, problem.Message, cancellationToken);
            return Results.Redirect(back);
        }

        // A second request while one runs starts nothing; the report keeps showing the running one.
        if (!jobs.TryStart(sessionId, request, user.UserName()))
        {
            await audit.RecordAsync(user, ReanalyseFailedAction, "session", sessionId, "a re-analysis of this session was already running", cancellationToken);
        }

        return Results.Redirect(back);
    }

    private static IResult Status(string sessionId, ReanalysisJobs jobs) =>
        jobs.StatusOf(sessionId) is { } status ? Results.Ok(status) : Results.Ok(new ReanalysisStatus("none", 0, null, null));

    private static async Task<IResult> VersionJsonAsync(
        string sessionId, int version, ClaimsPrincipal user, IAnalysisVersionStore versions, AuditTrail audit, CancellationToken cancellationToken)
    {
        var rows = (await versions.ListAnalysisVersionsAsync(sessionId, cancellationToken)).Where(v => v.Version == version).ToList();
        if (rows.Count == 0)
        {
            return Results.NotFound();
        }

        await audit.RecordAsync(user, ViewVersionAction, "session", sessionId, "v" + version.ToString(CultureInfo.InvariantCulture), cancellationToken);
        var json = new StringBuilder("{\"schema\":\"thermohand/analysis-version/v1\",\"version\":\"v").Append(version).Append("\",\"hands\":{");
        json.AppendJoin(',', rows.Select(r => JsonSerializer.Serialize(r.Hand) + ":" + r.Result.GetRawText()));
        json.Append("}}");
        return Results.Text(json.ToString(), "application/json", Encoding.UTF8);
    }
}

/// <summary>What the re-analysis form asks for. Unset fields keep what the session was recorded with.</summary>
public sealed record ReanalysisRequest
{
    /// <summary>Form value of the calibration choice that keeps the recorded calibration.</summary>
    public const string KeepCalibration = "keep";

    /// <summary>Form value that removes any site calibration (factory calibration only).</summary>
    public const string NoCalibration = "none";

    public double? Emissivity { get; init; }

    public string RegionMethod { get; init; } = RegionMethods.UnmixedFingertip;

    /// <summary>"keep", "none" or a stored calibration id "SENSOR/vN"; ignored when a file is uploaded.</summary>
    public string CalibrationChoice { get; init; } = KeepCalibration;

    public SiteCalibration? UploadedCalibration { get; init; }

    public string? UploadedCalibrationSha256 { get; init; }

    public IReadOnlyDictionary<string, double> RewarmingOverrides { get; init; } = new SortedDictionary<string, double>(StringComparer.Ordinal);

    /// <summary>Reads and checks the form; throws <see cref="ReanalysisException"/> with a message for the user.</summary>
    public static async Task<ReanalysisRequest> ReadAsync(IFormCollection form, CancellationToken cancellationToken)
    {
        double? emissivity = null;
        var emissivityText = form["emissivity"].ToString().Trim();
        if (emissivityText.Length > 0)
        {
            if (!double.TryParse(emissivityText.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var e) || !(e > 0 && e <= 1))
            {
                throw new ReanalysisException($"emissivity \"{emissivityText}\" is not a number above 0 and at most 1 (human skin ≈ 0.98)");
            }

            emissivity = e;
        }

        var method = form["region_method"].ToString().Trim();
        method = method.Length == 0 ? RegionMethods.UnmixedFingertip : method;
        if (!RegionMethods.All.Contains(method))
        {
            throw new ReanalysisException($"unknown region method \"{method}\": choose {string.Join(" or ", RegionMethods.All)}");
        }

        IReadOnlyDictionary<string, double> overrides;
        try
        {
            overrides = ThermoHand.Analysis.Reanalysis.RewarmingOverrides.Parse(form["rewarming_overrides"].ToString()
                .Split(['\n', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        catch (ArgumentException problem)
        {
            throw new ReanalysisException(problem.Message);
        }

        SiteCalibration? uploaded = null;
        string? sha = null;
        if (form.Files.GetFile("calibration_file") is { Length: > 0 } file)
        {
            if (file.Length > SiteCalibrationFile.MaxFileBytes)
            {
                throw new ReanalysisException($"{file.FileName}: too large for a calibration file (at most {SiteCalibrationFile.MaxFileBytes} bytes)");
            }

            using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8);
            var text = await reader.ReadToEndAsync(cancellationToken);
            try
            {
                uploaded = SiteCalibrationFile.Parse(text, file.FileName);
                using var document = JsonDocument.Parse(text);
                sha = document.RootElement.GetProperty("sha256").GetString();
            }
            catch (CalibrationFileException problem)
            {
                throw new ReanalysisException(problem.Message);
            }
        }

        var choice = form["calibration"].ToString().Trim();
        return new ReanalysisRequest
        {
            Emissivity = emissivity,
            RegionMethod = method,
            CalibrationChoice = choice.Length == 0 ? KeepCalibration : choice,
            UploadedCalibration = uploaded,
            UploadedCalibrationSha256 = sha,
            RewarmingOverrides = overrides,
        };
    }

    /// <summary>The settings in words for the audit trail (no patient data).</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"emissivity={(Emissivity is { } e ? e.ToString(CultureInfo.InvariantCulture) : "as recorded")}; region_method={RegionMethod}; " +
        $"calibration={(UploadedCalibration is { } c ? "uploaded " + c.Id : CalibrationChoice)}; overrides={string.Join(",", RewarmingOverrides.Select(o => o.Key + "=" + o.Value.ToString(CultureInfo.InvariantCulture)))}");
}

/// <summary>The state of a session's latest re-analysis, for the report and the status endpoint.</summary>
/// <param name="State">"running", "done", "failed" or "none".</param>
/// <param name="FramesDone">Frames analysed so far (all hands).</param>
/// <param name="Message">Why it failed, in words; null otherwise.</param>
/// <param name="Version">The stored version label when done ("v2", …).</param>
public sealed record ReanalysisStatus(string State, int FramesDone, string? Message, string? Version);

/// <summary>
/// Runs re-analyses in the background, one at a time (a 20-minute session takes tens of seconds of CPU on the
/// dashboard's machine; docs/reanalysis.md), and remembers each session's latest status for the report.
/// </summary>
public sealed class ReanalysisJobs(IServiceProvider services, ILogger<ReanalysisJobs> logger)
{
    private readonly ConcurrentDictionary<string, ReanalysisStatus> statuses = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    /// <summary>The task of the latest job started (tests wait for it).</summary>
    public Task LastJob { get; private set; } = Task.CompletedTask;

    public ReanalysisStatus? StatusOf(string sessionId) => statuses.TryGetValue(sessionId, out var status) ? status : null;

    /// <summary>Records a refusal so the report can say why nothing was started.</summary>
    public void Refuse(string sessionId, string message) => statuses[sessionId] = new ReanalysisStatus("failed", 0, message, null);

    /// <summary>Starts the re-analysis unless one is already running for the session.</summary>
    public bool TryStart(string sessionId, ReanalysisRequest request, string userName)
    {
        var running = new ReanalysisStatus("running", 0, null, null);
        lock (statuses)
        {
            // Checked and set under one lock: two clicks at once start one re-analysis.
            if (statuses.TryGetValue(sessionId, out var current) && current.State == "running")
            {
                return false;
            }

            statuses[sessionId] = running;
            LastJob = Task.Run(() => RunAsync(sessionId, request, userName));
            return true;
        }
    }

    private async Task RunAsync(string sessionId, ReanalysisRequest request, string userName)
    {
        var audit = services.GetRequiredService<AuditTrail>();
        await oneAtATime.WaitAsync();
        try
        {
            var version = await new ReanalysisRun(services, sessionId, request, done => statuses[sessionId] = new ReanalysisStatus("running", done, null, null))
                .ExecuteAsync(userName, CancellationToken.None);
            statuses[sessionId] = new ReanalysisStatus("done", statuses[sessionId].FramesDone, null, "v" + version.ToString(CultureInfo.InvariantCulture));
            await audit.RecordAsync(userName, ReanalysisApi.ReanalyseAction, "session", sessionId,
                $"v{version.ToString(CultureInfo.InvariantCulture)}; {request.Describe()}");
        }
        catch (Exception problem) when (problem is ReanalysisException or CalibrationFileException)
        {
            statuses[sessionId] = new ReanalysisStatus("failed", 0, problem.Message, null);
            await audit.RecordAsync(userName, ReanalysisApi.ReanalyseFailedAction, "session", sessionId, problem.Message);
        }
        catch (Exception problem)
        {
            // The log gets the exception type only: no session or patient data (docs/dashboard.md, privacy).
            logger.LogError("Re-analysis failed with {ExceptionType}", problem.GetType().Name);
            statuses[sessionId] = new ReanalysisStatus("failed", 0, "the re-analysis hit an internal error (details in the server log); nothing was stored", null);
            await audit.RecordAsync(userName, ReanalysisApi.ReanalyseFailedAction, "session", sessionId, "internal error " + problem.GetType().Name);
        }
        finally
        {
            oneAtATime.Release();
        }
    }
}

/// <summary>One re-analysis: reads the session, builds a plan per hand, runs it over the stored frames and stores the version.</summary>
internal sealed class ReanalysisRun(IServiceProvider services, string sessionId, ReanalysisRequest request, Action<int> progress)
{
    public async Task<int> ExecuteAsync(string userName, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IClinicStore>();
        var versions = services.GetRequiredService<IAnalysisVersionStore>();
        var session = await store.GetSessionAsync(sessionId, cancellationToken)
            ?? throw new ReanalysisException("the session no longer exists");
        var hands = session.Summary.Hands.Where(h => h is "left" or "right").ToList();
        if (hands.Count == 0)
        {
            throw new ReanalysisException("the session names no hand to analyse");
        }

        var stored = await versions.ListAnalysisVersionsAsync(sessionId, cancellationToken);
        var basedOn = stored.Count == 0 ? "device" : "v" + stored.Max(v => v.Version).ToString(CultureInfo.InvariantCulture);
        var recorded = RecordedSessionSettings.Read(session);
        var results = new List<NewAnalysisVersion>();
        var framesBefore = 0;
        foreach (var hand in hands)
        {
            var plan = await PlanAsync(recorded, hand, basedOn, cancellationToken);
            var frames = await store.GetFramesAsync(sessionId, hand, cancellationToken: cancellationToken);
            if (frames.Count == 0)
            {
                throw new ReanalysisException($"the {hand} hand has no stored frames to re-analyse");
            }

            var events = session.Events.Where(e => e.Hand is null || e.Hand == hand).Select(e => new SessionEvent(e.TimeSeconds, e.Type)).ToList();
            var thermal = frames.Select(f => new ThermalFrame(f.TimeSeconds, f.Temperatures.Select(t => t ?? float.NaN).ToArray()));
            var offset = framesBefore;
            // Reported synchronously: Progress<T> would post to the thread pool, and a late report could overwrite the
            // job's "done" with "running" and refuse the next re-analysis.
            var reporter = new SynchronousProgress(done => progress(offset + done));
            var handWord = hand == "left" ? Hand.Left : Hand.Right;
            // CPU-bound for tens of seconds: off the request threads (this whole job already runs on the pool).
            var result = await Task.Run(() => StoredFrameReanalysis.Run(handWord, thermal, events, plan, reporter, cancellationToken), cancellationToken);
            framesBefore += frames.Count;
            var provenance = result.Provenance!;
            results.Add(new NewAnalysisVersion(hand, provenance.ToCanonicalJson(), provenance.SettingsHash, AnalysisJsonWriter.ToJson(result, indented: false)));
        }

        return await versions.AddAnalysisVersionAsync(sessionId, results, userName, cancellationToken);
    }

    private async Task<ReanalysisPlan> PlanAsync(RecordedSessionSettings recorded, string hand, string basedOn, CancellationToken cancellationToken)
    {
        var recordedReference = recorded.CalibrationOf(hand);
        var changesEmissivity = request.Emissivity is { } e && (recorded.Emissivity is not { } r || Math.Abs(e - r) > 1e-9);
        var keep = request.UploadedCalibration is null && request.CalibrationChoice == ReanalysisRequest.KeepCalibration;
        ISiteCorrection? target = request.UploadedCalibration is { } uploaded
            ? new SiteCorrection(uploaded, request.UploadedCalibrationSha256 ?? "")
            : keep || request.CalibrationChoice == ReanalysisRequest.NoCalibration
                ? null
                : await LoadStoredAsync(new CalibrationReference(request.CalibrationChoice, ""), cancellationToken);
        if (target is SiteCorrection { Calibration: var chosen } && recorded.SensorOf(hand) is { } sensor
            && !string.Equals(chosen.SensorId, sensor, StringComparison.OrdinalIgnoreCase))
        {
            throw new ReanalysisException($"calibration {chosen.Id} belongs to sensor {chosen.SensorId}, but the {hand} hand was measured with sensor {sensor}: choose that sensor's calibration");
        }

        var targetReference = keep ? recordedReference : target?.Reference;
        var changesCalibration = !SameCalibration(recordedReference, targetReference);
        ISiteCorrection? recordedCorrection;
        if (changesEmissivity || changesCalibration)
        {
            // The stored temperatures carry the recorded calibration: it must be removed exactly before anything changes.
            recordedCorrection = recordedReference is null ? null : await LoadStoredAsync(recordedReference, cancellationToken);
            target = keep ? recordedCorrection : target;
        }
        else
        {
            // Nothing changes in the pixels: the frames are analysed exactly as stored.
            recordedCorrection = recordedReference is null ? null : new ReferenceOnly(recordedReference);
            target = recordedCorrection;
        }

        return new ReanalysisPlan
        {
            RecordedEmissivity = recorded.Emissivity,
            Emissivity = request.Emissivity,
            ReflectedTemperature = recorded.ReflectedRule,
            ReflectedCelsiusAt = recorded.ReflectedCelsiusAt(),
            RecordedCalibration = recordedCorrection,
            Calibration = target,
            RegionMethod = request.RegionMethod,
            RewarmingOverrides = request.RewarmingOverrides,
            BasedOn = basedOn,
            Source = AnalysisSource.StoredFrames,
        };
    }

    private static bool SameCalibration(CalibrationReference? a, CalibrationReference? b) =>
        a is null || b is null
            ? a is null && b is null
            : string.Equals(a.Id, b.Id, StringComparison.OrdinalIgnoreCase)
                && (a.Sha256.Length == 0 || b.Sha256.Length == 0 || string.Equals(a.Sha256, b.Sha256, StringComparison.OrdinalIgnoreCase));

    /// <summary>A calibration the dashboard stores, by id "SENSOR/vN"; checks its checksum against the recorded one.</summary>
    private async Task<ISiteCorrection> LoadStoredAsync(CalibrationReference reference, CancellationToken cancellationToken)
    {
        var slash = reference.Id.LastIndexOf("/v", StringComparison.OrdinalIgnoreCase);
        if (slash <= 0 || !int.TryParse(reference.Id[(slash + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new ReanalysisException($"\"{reference.Id}\" is not a calibration id (write SENSOR/vN, e.g. 0A1B2C3D4E5F/v3)");
        }

        var calibrations = services.GetService<ICalibrationStore>();
        var file = calibrations is null ? null : await calibrations.GetCalibrationAsync(reference.Id[..slash], version, cancellationToken);
        if (file is null)
        {
            throw new ReanalysisException($"calibration {reference.Id} is not stored on the dashboard: a technician uploads it on the Calibration page (the session's own calibration is needed to undo it before any pixel change)");
        }

        if (reference.Sha256.Length > 0
            && !string.Equals(reference.Sha256, file.Summary.BodySha256, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(reference.Sha256, file.Summary.FileSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ReanalysisException($"the stored calibration {reference.Id} has a different checksum than the one the session recorded: it is not the file the device used");
        }

        var calibration = SiteCalibrationFile.Parse(Encoding.UTF8.GetString(file.FileBytes), file.Summary.FileName);
        return new SiteCorrection(calibration, file.Summary.BodySha256);
    }

    /// <summary>A recorded calibration kept as it is: named in the provenance, never applied or removed.</summary>
    private sealed class ReferenceOnly(CalibrationReference reference) : ISiteCorrection
    {
        public CalibrationReference Reference { get; } = reference;

        public void Apply(Span<float> temperaturesCelsius)
        {
        }

        public void Remove(Span<float> temperaturesCelsius)
        {
        }
    }
}

/// <summary>A <see cref="SiteCalibration"/> as the re-analysis uses it.</summary>
public sealed class SiteCorrection(SiteCalibration calibration, string sha256) : ISiteCorrection
{
    public SiteCalibration Calibration { get; } = calibration;

    public CalibrationReference Reference { get; } = new(calibration.Id, sha256.ToLowerInvariant());

    public void Apply(Span<float> temperaturesCelsius) => Calibration.Apply(temperaturesCelsius);

    public void Remove(Span<float> temperaturesCelsius) => Calibration.Remove(temperaturesCelsius);
}

/// <summary>
/// What a session's settings (as its device sent them with session_started) say about how its temperatures were
/// computed: emissivity, reflected-temperature rule, sensor ids and site calibrations per hand, and the room readings
/// that stand in for the reflected temperature when the rule used the room.
/// </summary>
public sealed class RecordedSessionSettings
{
    private readonly JsonElement? settings;
    private readonly IReadOnlyList<EnvironmentReading> environment;

    private RecordedSessionSettings(JsonElement? settings, IReadOnlyList<EnvironmentReading> environment)
    {
        this.settings = settings;
        this.environment = environment;
    }

    public static RecordedSessionSettings Read(SessionDetail session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new RecordedSessionSettings(session.Settings, session.Environment);
    }

    public double? Emissivity => settings is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("emissivity", out var e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;

    public string? ReflectedRule => settings is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("reflected_temperature_rule", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;

    /// <summary>
    /// Tr at a session time: the fixed value when the rule says "fixed X °C"; otherwise the room temperature read
    /// nearest in time (the worker's "room sensor" rule uses it; for the vendor's "Ta − 8" rule it is an approximation,
    /// whose effect is small: docs/reanalysis.md). Null when neither exists (an emissivity change is then refused).
    /// </summary>
    public Func<double, double?>? ReflectedCelsiusAt()
    {
        if (ReflectedRule is { } rule)
        {
            var match = System.Text.RegularExpressions.Regex.Match(rule, @"fixed\s+(-?\d+(?:\.\d+)?)");
            if (match.Success)
            {
                var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                return _ => value;
            }
        }

        var rooms = environment.Where(r => r.RoomC is not null).OrderBy(r => r.TimeSeconds).ToList();
        if (rooms.Count == 0)
        {
            return null;
        }

        return t => rooms.MinBy(r => Math.Abs(r.TimeSeconds - t))!.RoomC;
    }

    /// <summary>The sensor id of a hand, from the "sensors" setting (array of objects with "hand", or an object keyed by hand).</summary>
    public string? SensorOf(string hand) => Text(SensorEntry(hand), "sensor_id");

    /// <summary>The site calibration the device recorded for a hand ("calibration_id" + "calibration_sha256", or "calibration": {"id","sha256"}).</summary>
    public CalibrationReference? CalibrationOf(string hand)
    {
        var entry = SensorEntry(hand);
        if (entry is not { } e)
        {
            return null;
        }

        if (e.TryGetProperty("calibration", out var nested) && nested.ValueKind == JsonValueKind.Object && Text(nested, "id") is { } nestedId)
        {
            return new CalibrationReference(nestedId, Text(nested, "sha256") ?? "");
        }

        return Text(e, "calibration_id") is { Length: > 0 } id ? new CalibrationReference(id, Text(e, "calibration_sha256") ?? "") : null;
    }

    private JsonElement? SensorEntry(string hand)
    {
        if (settings is not { ValueKind: JsonValueKind.Object } s || !s.TryGetProperty("sensors", out var sensors))
        {
            return null;
        }

        if (sensors.ValueKind == JsonValueKind.Object && sensors.TryGetProperty(hand, out var byHand) && byHand.ValueKind == JsonValueKind.Object)
        {
            return byHand;
        }

        return sensors.ValueKind == JsonValueKind.Array
            ? sensors.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object && Text(x, "hand") == hand).Select(x => (JsonElement?)x).FirstOrDefault()
            : null;
    }

    private static string? Text(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The provenance the device's own result corresponds to, from the recorded settings.</summary>
    public AnalysisProvenance DeviceProvenance(string hand) => new()
    {
        Software = "device (build not reported per session)",
        Source = AnalysisSource.DeviceLive,
        Emissivity = Emissivity,
        ReflectedTemperature = ReflectedRule,
        RegionMethod = RegionMethod,
        Calibration = CalibrationOf(hand),
    };

    /// <summary>
    /// The region method the device's live analysis used, as its <c>session_started</c> says. Devices from before the
    /// per-digit fingertip widths send none, and they ran the one-width unmixing (docs/reanalysis.md).
    /// </summary>
    public string RegionMethod => Text(settings, "region_method") is { } method && RegionMethods.All.Contains(method) ? method : RegionMethods.UnmixedFingertipOneWidth;
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread, in order, before the work returns.</summary>
internal sealed class SynchronousProgress(Action<int> report) : IProgress<int>
{
    public void Report(int value) => report(value);
}
