namespace ThermoHand.Dashboard.Live;

/// <summary>
/// One message as live viewers receive it: the Server-Sent Events name (the device message kind, or
/// <c>history</c>) and the JSON, serialised once when the device message arrived and then shared by every viewer,
/// so a hundred viewers cost one serialisation, not a hundred.
/// </summary>
public sealed record LiveUpdate(string Kind, string Json, DateTimeOffset PublishedUtc);
