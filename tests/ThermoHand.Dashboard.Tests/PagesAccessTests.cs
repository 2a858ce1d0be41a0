using System.Net;

namespace ThermoHand.Dashboard.Tests;

/// <summary>Without login the clinician pages send the browser to the login page and the data routes answer nothing.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PagesAccessTests(BrowserServerFixture server)
{
    [Theory]
    [InlineData("/sessions")]
    [InlineData("/sessions/" + BrowserServerFixture.BeforeSessionId)]
    [InlineData("/sessions/" + BrowserServerFixture.BeforeSessionId + "/report.pdf")]
    [InlineData("/sessions/" + BrowserServerFixture.BeforeSessionId + "/export/report.json")]
    [InlineData("/sessions/" + BrowserServerFixture.BeforeSessionId + "/export/curves.csv")]
    [InlineData("/compare?sessions=" + BrowserServerFixture.BeforeSessionId + "," + BrowserServerFixture.AfterSessionId)]
    [InlineData("/live")]
    [InlineData("/live/bench-1")]
    public async Task Pages_and_downloads_redirect_to_the_login_page(string path)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.AbsolutePath, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_live_event_stream_answers_401_without_login_so_a_script_sees_why()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        using var response = await http.GetAsync("/live/bench-1/events");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_device_credential_opens_no_page()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/live/bench-1/events");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Device", server.ClinicDevice.Id + ":" + server.ClinicDevice.Secret);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
