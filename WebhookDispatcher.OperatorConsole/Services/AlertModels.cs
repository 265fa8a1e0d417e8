namespace WebhookDispatcher.OperatorConsole.Services;

// The Api's on-call alerts (Api/Models/AlertResponses.cs and Core's Storage/AlertRecords.cs), as the JSON it writes.

/// <summary>GET /alerts: newest first.</summary>
public sealed record AlertList(string? State, int Limit, IReadOnlyList<Alert> Alerts);

/// <summary>One incident about one target, and how far telling each channel about it has got.</summary>
/// <param name="Kinds">What made it fire: consecutive_failures, circuit_open, auto_disabled, dead.</param>
public sealed record Alert(
    long Id,
    string TargetKey,
    Guid? EndpointId,
    string? MerchantId,
    string TargetUrl,
    IReadOnlyList<string> Kinds,
    string Summary,
    string? Detail,
    string State,
    DateTimeOffset RaisedAt,
    DateTimeOffset? ResolvedAt,
    IReadOnlyList<AlertNotification> Notifications);

/// <summary>One message about an alert to one channel (slack, pagerduty): its trigger or its resolve.</summary>
/// <param name="Status">pending, sent or failed (for good).</param>
public sealed record AlertNotification(string Channel, string Action, string Status, int Attempts, string? LastError, DateTimeOffset? SentAt);

public static class AlertStates
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";
}
