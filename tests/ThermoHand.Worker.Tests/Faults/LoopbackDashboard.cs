using System.Net;
using System.Net.Sockets;
using ThermoHand.Worker.Tests.Streaming;

namespace ThermoHand.Worker.Tests.Faults;

/// <summary>
/// <see cref="FakeDashboard"/> (the storage rule of docs/device-stream.md) served over real HTTP on 127.0.0.1, so a
/// worker running as its own process can deliver to it.
/// </summary>
internal sealed class LoopbackDashboard() : LoopbackDashboard<FakeDashboard>(new FakeDashboard());

/// <summary>
/// A fake dashboard (any <see cref="HttpMessageHandler"/>: <see cref="FakeDashboard"/>, <see cref="FakeCommandDashboard"/>)
/// served over real HTTP on 127.0.0.1, so a worker built as <c>Program.cs</c> builds it, or running as its own
/// process, talks to it through real sockets. Requests are handed to the fake one at a time.
/// </summary>
internal class LoopbackDashboard<TFake> : IAsyncDisposable
    where TFake : HttpMessageHandler
{
    private readonly HttpListener listener = new();
    private readonly HttpMessageInvoker invoker;
    private readonly Task serving;

    public LoopbackDashboard(TFake fake)
    {
        Fake = fake;
        invoker = new HttpMessageInvoker(Fake, disposeHandler: false);
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Url = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(Url);
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    public TFake Fake { get; }

    public string Url { get; }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(Url + context.Request.Url!.PathAndQuery.TrimStart('/')));
                if (context.Request.Headers["Authorization"] is { } auth)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", auth);
                }

                if (context.Request.HasEntityBody)
                {
                    using var body = new MemoryStream();
                    await context.Request.InputStream.CopyToAsync(body);
                    request.Content = new ByteArrayContent(body.ToArray());
                }

                using HttpResponseMessage answer = await invoker.SendAsync(request, CancellationToken.None);
                context.Response.StatusCode = (int)answer.StatusCode;
                byte[] bytes = await answer.Content.ReadAsByteArrayAsync();
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(bytes);
            }
            catch (HttpRequestException)
            {
                context.Response.StatusCode = 503; // the fake's "connection lost": the device must treat it as unreachable
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The worker was killed while this request was in flight: nothing to answer.
            }
            finally
            {
                try
                {
                    context.Response.Close();
                }
                catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
                {
                    // Same: the connection is gone.
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await serving;
        invoker.Dispose();
        Fake.Dispose();
    }
}
