namespace WebhookDispatcher.Core.Storage;

/// <summary>An alert as GET /alerts lists it: the incident, and how far telling each channel about it has got.</summary>
public sealed record AlertRecord(
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
    IReadOnlyList<AlertNotificationRecord> Notifications);

/// <summary>One message about an alert to one channel: its trigger, or its resolve.</summary>
public sealed record AlertNotificationRecord(string Channel, string Action, string Status, int Attempts, string? LastError, DateTimeOffset? SentAt);

/// <summary>A notification a Worker has leased, with the alert it tells of, as it reads now.</summary>
public sealed record ClaimedAlertNotification(
    long Id,
    string Channel,
    string Action,
    int Attempts,
    long AlertId,
    string TargetKey,
    Guid? EndpointId,
    string? MerchantId,
    string TargetUrl,
    IReadOnlyList<string> Kinds,
    string Summary,
    string? Detail,
    DateTimeOffset RaisedAt,
    DateTimeOffset? ResolvedAt);

/// <summary>What became of one send of a claimed notification.</summary>
/// <param name="Status"><see cref="AlertNotificationStatus.Sent"/>, <see cref="AlertNotificationStatus.Failed"/> (for good), or <see cref="AlertNotificationStatus.Pending"/> to try again after <paramref name="RetryDelay"/>.</param>
public sealed record AlertSendResult(long NotificationId, int ClaimedAttempts, string Status, TimeSpan RetryDelay, string? Error);

public static class AlertState
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";

    public static bool IsValid(string state) => state is Firing or Resolved;
}

public static class AlertNotificationStatus
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

public static class AlertAction
{
    public const string Trigger = "trigger";
    public const string Resolve = "resolve";
}
