using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ThermoHand.Streaming;

namespace ThermoHand.Worker.Tests.Streaming;

/// <summary>
/// An in-process dashboard for the command endpoints: hands out the commands the test queues until they are answered,
/// keeps every answer it receives, and can be switched off (unreachable) or made to lose answers (503 after reading).
/// </summary>
internal sealed class FakeCommandDashboard : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly List<DeviceCommand> _waiting = [];

    public string DeviceId { get; set; } = "pi-clinic-1";

    public volatile bool Down;

    /// <summary>Answers are read but the reply is 503, as if the dashboard failed before storing them.</summary>
    public volatile bool LoseAnswers;

    public List<(string CommandId, DeviceCommandResult Answer)> Answers { get; } = [];

    public int Fetches;

    public void Queue(DeviceCommand command)
    {
        lock (_lock)
        {
            _waiting.Add(command);
        }
    }

    public IReadOnlyList<(string CommandId, DeviceCommandResult Answer)> AnswersSnapshot()
    {
        lock (_lock)
        {
            return Answers.ToList();
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Down)
        {
            throw new HttpRequestException("Connection refused (fake dashboard is down)");
        }

        if (request.Headers.Authorization?.Parameter?.StartsWith(DeviceId + ":", StringComparison.Ordinal) != true)
        {
            return new HttpResponseMessage(HttpStatusCode.Unauthorized);
        }

        string path = request.RequestUri!.AbsolutePath;
        if (request.Method == HttpMethod.Get && path == DeviceCommandPaths.Commands)
        {
            Interlocked.Increment(ref Fetches);
            lock (_lock)
            {
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(new DeviceCommandList(_waiting.ToList()), options: DeviceAuthentication.JsonOptions) };
            }
        }

        if (request.Method == HttpMethod.Post && path.StartsWith(DeviceCommandPaths.Commands + "/", StringComparison.Ordinal) && path.EndsWith("/result", StringComparison.Ordinal))
        {
            string id = Uri.UnescapeDataString(path[(DeviceCommandPaths.Commands.Length + 1)..^"/result".Length]);
            var answer = JsonSerializer.Deserialize<DeviceCommandResult>(await request.Content!.ReadAsStringAsync(cancellationToken), DeviceAuthentication.JsonOptions)!;
            if (LoseAnswers)
            {
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            }

            lock (_lock)
            {
                if (_waiting.RemoveAll(c => c.CommandId == id) == 0 && Answers.All(a => a.CommandId != id))
                {
                    return new HttpResponseMessage(HttpStatusCode.NotFound);
                }

                Answers.Add((id, answer));
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(new { command_id = id }) };
        }

        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }
}
