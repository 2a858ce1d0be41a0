using ThermoHand.Simulation;

namespace ThermoHand.Simulation.Tests;

public class PhysiologyTests
{
    private static readonly ProtocolTimeline Protocol = new();

    private static PatientPhysiology Patient(PatientGroup group, int seed) => new(GroupPhysiology.For(group), Protocol, seed);

    private static IEnumerable<int> Seeds => Enumerable.Range(1, 30);

    [Fact]
    public void SystemicSclerosisHasColderFingertipsThanDorsumAtBaseline()
    {
        var ssc = Seeds.Select(s => GroundTruthRecorder.BaselineDdd(Patient(PatientGroup.SystemicSclerosis, s))["mean"]).Average();
        var healthy = Seeds.Select(s => GroundTruthRecorder.BaselineDdd(Patient(PatientGroup.Healthy, s))["mean"]).Average();
        Assert.True(ssc > 1.5, $"SSc mean DDD {ssc:F2} °C (clinical: > 1 °C in several fingers)");
        Assert.True(Math.Abs(healthy) < 0.6, $"healthy mean DDD {healthy:F2} °C (clinical: < 0.5 °C)");
        Assert.True(ssc - healthy > 1.0);

        // "Several fingers": most SSc patients have at least two of D2–D5 with DDD > 1 °C.
        var withSeveral = Seeds.Count(s =>
        {
            var ddd = GroundTruthRecorder.BaselineDdd(Patient(PatientGroup.SystemicSclerosis, s));
            return new[] { "D2", "D3", "D4", "D5" }.Count(d => ddd[d] > 1.0) >= 2;
        });
        Assert.True(withSeveral >= 25, $"{withSeveral}/30 SSc patients with ≥ 2 fingers DDD > 1 °C");
    }

    [Theory]
    [InlineData(300)]
    [InlineData(600)]
    public void HealthyFingersRecoverFasterThanRaynauds(double secondsAfterChallenge)
    {
        double MeanRecovery(PatientGroup group) => Seeds.Average(s => RecoveryPercent(Patient(group, s), secondsAfterChallenge));
        var healthy = MeanRecovery(PatientGroup.Healthy);
        var primary = MeanRecovery(PatientGroup.PrimaryRaynauds);
        var ssc = MeanRecovery(PatientGroup.SystemicSclerosis);
        Assert.True(healthy > primary + 10, $"healthy {healthy:F0} % vs primary {primary:F0} % at {secondsAfterChallenge} s");
        Assert.True(healthy > ssc + 10, $"healthy {healthy:F0} % vs SSc {ssc:F0} % at {secondsAfterChallenge} s");
    }

    [Fact]
    public void HealthyRecoveryIsCompleteAndSystemicSclerosisIsNotAfter15Minutes()
    {
        var healthy = Seeds.Average(s => RecoveryPercent(Patient(PatientGroup.Healthy, s), 900));
        var ssc = Seeds.Average(s => RecoveryPercent(Patient(PatientGroup.SystemicSclerosis, s), 900));
        Assert.True(healthy > 95, $"healthy {healthy:F0} % at 15 min");
        Assert.True(ssc < 80, $"SSc {ssc:F0} % at 15 min");
    }

    [Fact]
    public void ImmersionCoolsSkinTowardsTheWaterButNotBelowIt()
    {
        var patient = Patient(PatientGroup.Healthy, 7);
        var water = Protocol.WaterTemperatureCelsius;
        for (var digit = 1; digit <= 5; digit++)
        {
            var baseline = patient.FingertipTemperature(digit, Protocol.ChallengeStartSeconds - 0.001);
            var coldest = patient.FingertipTemperature(digit, Protocol.ChallengeEndSeconds);
            Assert.InRange(coldest, water + 0.5, baseline - 6);
        }

        var dorsumMinimum = patient.DorsumTemperature(Protocol.ChallengeEndSeconds);
        Assert.InRange(dorsumMinimum, patient.FingertipTemperature(3, Protocol.ChallengeEndSeconds), patient.Group.DorsumBaselineCelsius - 2);
    }

    [Fact]
    public void SkinTemperatureIsContinuousThroughTheProtocol()
    {
        var patient = Patient(PatientGroup.PrimaryRaynauds, 3);
        for (var t = 0.0; t < Protocol.TotalSeconds; t += 0.5)
        {
            var step = Math.Abs(patient.FingertipTemperature(2, t + 0.5) - patient.FingertipTemperature(2, t));
            Assert.True(step < 0.3, $"jump of {step:F2} °C at {t} s");
        }
    }

    [Fact]
    public void RewarmingWaitsForTheLag()
    {
        var patient = Patient(PatientGroup.SystemicSclerosis, 11);
        var d = patient.Digits[2];
        var minimum = patient.FingertipTemperature(3, Protocol.ChallengeEndSeconds);
        var duringLag = patient.FingertipTemperature(3, Protocol.ChallengeEndSeconds + (d.RewarmingLagSeconds * 0.9));

        // Only the (faded) vasomotion may move the tip during the lag.
        Assert.Equal(minimum, duringLag, 0.15);
        var later = patient.FingertipTemperature(3, Protocol.ChallengeEndSeconds + d.RewarmingLagSeconds + d.RewarmingTauSeconds);
        Assert.True(later > minimum + 2);
    }

    [Fact]
    public void GradientRunsFromDorsumAtTheKnuckleToTheFingertip()
    {
        Assert.Equal(30.0, PatientPhysiology.AlongDigit(30, 27, 0, 0.25), 1e-9);
        Assert.Equal(27.0, PatientPhysiology.AlongDigit(30, 27, 0.8, 0.25), 1e-9);
        var middle = PatientPhysiology.AlongDigit(30, 27, 0.4, 0.25);
        Assert.InRange(middle, 27.5, 29.9);
    }

    [Fact]
    public void SameSeedGivesTheSamePatient()
    {
        Assert.Equal(Patient(PatientGroup.SystemicSclerosis, 9).Digits, Patient(PatientGroup.SystemicSclerosis, 9).Digits);
        Assert.NotEqual(Patient(PatientGroup.SystemicSclerosis, 9).Digits, Patient(PatientGroup.SystemicSclerosis, 10).Digits);
    }

    /// <summary>Mean recovery of D2–D5: 100·(T(t) − Tmin)/(Tbase − Tmin) (clinical.md §3).</summary>
    private static double RecoveryPercent(PatientPhysiology patient, double secondsAfterChallenge)
    {
        return Enumerable.Range(2, 4).Average(digit =>
        {
            var baseline = patient.Digits[digit - 1].BaselineFingertipCelsius;
            var minimum = patient.FingertipTemperature(digit, Protocol.ChallengeEndSeconds);
            var now = patient.FingertipTemperature(digit, Protocol.ChallengeEndSeconds + secondsAfterChallenge);
            return 100 * (now - minimum) / (baseline - minimum);
        });
    }
}
