using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThermoHand.Streaming;

namespace ThermoHand.Worker.Streaming;

/// <summary>
/// Asks the dashboard for clinicians' commands (docs/device-stream.md, "Commands") every Dashboard:CommandPollSeconds
/// and carries each out at most once (<see cref="ExecutedCommandLog"/>): first it re-sends answers the dashboard has not
/// acknowledged, then it fetches <c>GET /api/device/v1/commands</c>, carries out the new ones one at a time through
/// <see cref="DeviceCommandExecutor"/> and posts each answer. A command it already knows is answered again, never
/// repeated. When the dashboard is unreachable it waits with the uploader's backoff (<see cref="UplinkBackoff"/>) and
/// logs once per outage. Never throws out of the host: commands must not stop the recording.
/// </summary>
public sealed class DashboardCommandPoller : BackgroundService
{
    private readonly IDeviceCommandExecutor _executor;
    private readonly ExecutedCommandLog _log;
    private readonly DashboardUplinkSettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly UplinkBackoff _backoff;
    private bool _unreachable;

    public DashboardCommandPoller(IDeviceCommandExecutor executor, ExecutedCommandLog log, DashboardUplinkSettings settings, ILogger logger,
                                  TimeProvider? time = null, HttpMessageHandler? handler = null, Random? random = null)
    {
        _executor = executor;
        _log = log;
        _settings = settings;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _http = settings.CreateHttpClient(handler);
        _backoff = new UplinkBackoff(settings.RetryInitial, settings.RetryMax, random ?? Random.Shared);
    }

    /// <summary>Commands carried out since start (not counting ones answered again).</summary>
    public int Executed { get; private set; }

    /// <summary>Completed poll cycles (answers sent and the list fetched without a failure).</summary>
    public int Cycles { get; private set; }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        CommandLog.Started(_logger, _settings.Url.ToString(), _settings.CommandPoll.TotalSeconds, _log.Count, _log.FilePath);
        foreach (string id in _log.Interrupted)
        {
            CommandLog.Interrupted(_logger, id);
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                bool ok;
                try
                {
                    ok = await CycleAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A disk or protocol problem in one command must not end the polling (nor the host).
                    CommandLog.Failed(_logger, e.Message);
                    ok = false;
                }

                if (ok)
                {
                    Cycles++;
                    if (_unreachable)
                    {
                        CommandLog.Recovered(_logger, _settings.Url.ToString());
                        _unreachable = false;
                    }

                    _backoff.Reset();
                }

                await Task.Delay(ok ? _settings.CommandPoll : _backoff.NextDelay(), _time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: answers not yet acknowledged stay in the log for the next start.
        }
    }

    /// <summary>One round: unacknowledged answers, then the waiting commands. False when the dashboard could not be reached.</summary>
    public async Task<bool> CycleAsync(CancellationToken cancellationToken)
    {
        foreach ((string id, DeviceCommandResult answer) in _log.Unacknowledged())
        {
            if (!await SendAnswerAsync(id, answer, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        DeviceCommandList? list = await FetchAsync(cancellationToken).ConfigureAwait(false);
        if (list is null)
        {
            return false;
        }

        foreach (DeviceCommand command in list.Commands)
        {
            if (string.IsNullOrWhiteSpace(command.CommandId))
            {
                continue;
            }

            if (_log.Knows(command.CommandId))
            {
                // Taken before (the answer was lost, or the dashboard did not record it): answer again, never repeat.
                if (_log.AnswerOf(command.CommandId) is { } known && !await SendAnswerAsync(command.CommandId, known, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }

                continue;
            }

            _log.MarkTaken(command.CommandId, command.Kind); // on the disk before anything happens
            DeviceCommandResult answer = await _executor.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
            _log.RecordAnswer(command.CommandId, command.Kind, answer);
            Executed++;
            CommandLog.Executed(_logger, command.CommandId, command.Kind, answer.Outcome, answer.Message);
            if (!await SendAnswerAsync(command.CommandId, answer, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    private async Task<DeviceCommandList?> FetchAsync(CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await _http.GetAsync(_settings.Endpoint(DeviceCommandPaths.Commands), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                Unreachable($"HTTP {(int)response.StatusCode}");
                return null;
            }

            // A body without a list (an older or foreign server) means "nothing to do", never a crash.
            DeviceCommandList? list = await response.Content.ReadFromJsonAsync<DeviceCommandList>(DeviceAuthentication.JsonOptions, cancellationToken).ConfigureAwait(false);
            return list is { Commands: not null } ? list with { Commands = list.Commands.Where(c => c is not null).ToList() } : new DeviceCommandList([]);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException
                                      or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Unreachable(e is TaskCanceledException ? $"no answer within {_settings.RequestTimeout.TotalSeconds:0} s" : e.Message);
            return null;
        }
    }

    /// <summary>Posts one answer. True when the dashboard has it (or will never take it: then it is not sent again).</summary>
    private async Task<bool> SendAnswerAsync(string commandId, DeviceCommandResult answer, CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await _http.PostAsJsonAsync(_settings.Endpoint(DeviceCommandPaths.Result(commandId)), answer,
                DeviceAuthentication.JsonOptions, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                _log.MarkAcknowledged(commandId);
                return true;
            }

            int status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest)
            {
                // The dashboard does not know the command (its database was replaced) or refuses the answer: resending
                // cannot help, so the answer stays only in this device's log.
                string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                CommandLog.AnswerRefused(_logger, commandId, status, body.Length > 300 ? body[..300] : body);
                _log.MarkAcknowledged(commandId);
                return true;
            }

            Unreachable($"HTTP {status}");
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Unreachable(e is TaskCanceledException ? $"no answer within {_settings.RequestTimeout.TotalSeconds:0} s" : e.Message);
            return false;
        }
    }

    private void Unreachable(string reason)
    {
        if (!_unreachable)
        {
            CommandLog.Unreachable(_logger, _settings.Url.ToString(), reason, _settings.RetryMax.TotalSeconds);
            _unreachable = true;
        }
    }
}
