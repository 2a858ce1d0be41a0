using ThermoHand.Dashboard.Configuration;

namespace ThermoHand.Dashboard.Tests.Research;

/// <summary>A study key setting that cannot be used stops the server at start, naming the setting and the fix.</summary>
public sealed class ResearchSettingsTests
{
    [Theory]
    [InlineData("not base64 at all!", "not base64")]
    [InlineData("c2hvcnQ=", "at least 32")]
    public void A_bad_study_key_is_named_with_what_to_do(string key, string expected)
    {
        var options = new DashboardOptions { Research = new ResearchOptions { StudyKey = key } };
        var result = new ValidateDashboardOptions().Validate(null, options);
        Assert.True(result.Failed);
        var message = Assert.Single(result.Failures!, f => f.Contains("Dashboard:Research:StudyKey", StringComparison.Ordinal));
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, message, StringComparison.Ordinal); // a secret setting is never echoed
    }

    [Fact]
    public void A_good_study_key_or_none_is_accepted()
    {
        Assert.False(new ValidateDashboardOptions().Validate(null, new DashboardOptions()).Failed);
        var key = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        Assert.False(new ValidateDashboardOptions().Validate(null, new DashboardOptions { Research = new ResearchOptions { StudyKey = key } }).Failed);
    }
}
