using System.Net.Http.Headers;
using ThermoHand.Streaming;
using ThermoHand.Worker.Configuration;

namespace ThermoHand.Worker.Streaming;

/// <summary>
/// The uploader's settings, resolved from Dashboard:* (the secret read from Dashboard:SecretFile when given).
/// <see cref="ToString"/> leaves the secret out so it cannot reach a log by accident.
/// </summary>
public sealed class DashboardUplinkSettings
{
    public required Uri Url { get; init; }

    public required string DeviceId { get; init; }

    public required string Secret { get; init; }

    public int BatchMaxMessages { get; init; } = 200;

    public int BatchMaxBytes { get; init; } = 1024 * 1024;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryInitial { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMax { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the command poller asks for clinicians' commands (Dashboard:CommandPollSeconds).</summary>
    public TimeSpan CommandPoll { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Builds the settings from validated options; reads the secret file (trimmed of whitespace/newlines).</summary>
    public static DashboardUplinkSettings FromOptions(DashboardOptions options)
    {
        string secret = string.IsNullOrWhiteSpace(options.SecretFile)
            ? options.Secret ?? string.Empty
            : File.ReadAllText(options.SecretFile).Trim();
        if (secret.Length == 0)
        {
            throw new InvalidOperationException(string.IsNullOrWhiteSpace(options.SecretFile)
                ? "Dashboard:Secret is empty"
                : $"Dashboard:SecretFile '{options.SecretFile}' is empty: put the device secret issued by the dashboard in it");
        }

        return new DashboardUplinkSettings
        {
            Url = new Uri(options.Url, UriKind.Absolute),
            DeviceId = options.DeviceId,
            Secret = secret,
            BatchMaxMessages = options.BatchMaxMessages,
            BatchMaxBytes = options.BatchMaxKilobytes * 1024,
            RequestTimeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
            RetryInitial = TimeSpan.FromMilliseconds(options.RetryInitialMilliseconds),
            RetryMax = TimeSpan.FromSeconds(options.RetryMaxSeconds),
            CommandPoll = TimeSpan.FromSeconds(Math.Max(0.2, options.CommandPollSeconds)),
        };
    }

    /// <summary>
    /// The HTTP client the uploader and the command poller talk to the dashboard with: the device credential in every
    /// request, the request timeout, and a connection pool that re-resolves the dashboard's address now and then (a
    /// clinic server may move) and fails fast on connect. A <paramref name="handler"/> given (tests) is not disposed.
    /// </summary>
    public HttpClient CreateHttpClient(HttpMessageHandler? handler = null)
    {
        var http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(Math.Min(10, RequestTimeout.TotalSeconds)),
        }, disposeHandler: handler is null)
        { Timeout = RequestTimeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(DeviceAuthentication.Scheme, $"{DeviceId}:{Secret}");
        return http;
    }

    /// <summary>The URL of an API path, keeping any path prefix of <see cref="Url"/> (e.g. a reverse proxy's /thermohand).</summary>
    public Uri Endpoint(string apiPath) => new(Url.GetLeftPart(UriPartial.Path).TrimEnd('/') + apiPath);

    public override string ToString() => $"{Url} as device {DeviceId} (secret not shown)";
}
