using ThermoHand.Recording.Native;

namespace ThermoHand.Worker.Pipeline;

/// <summary>One room or bath reading as the environment monitor took it (the coordinator stamps it with session time).</summary>
public readonly record struct EnvironmentSample(EnvironmentQuantity Quantity, double Value, string Source);

/// <summary>
/// Passes every room and bath reading from the environment monitor to whoever records them (the session
/// coordinator), so readings go into the recording, the session store and the dashboard, not only to the protocol.
/// </summary>
public sealed class EnvironmentReadings
{
    public event Action<EnvironmentSample>? Read;

    public void Publish(EnvironmentQuantity quantity, double value, string source) => Read?.Invoke(new EnvironmentSample(quantity, value, source));
}
