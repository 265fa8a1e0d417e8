namespace WebhookDispatcher.Core.Telemetry;

/// <summary>
/// The <c>outcome</c> tag of <c>webhooks.delivery.attempts</c> and <c>webhooks.delivery.attempt.duration</c>. Kept
/// in one place so the instruments' descriptions name exactly the values a dashboard query can filter on.
/// </summary>
public static class AttemptOutcome
{
    /// <summary>The merchant answered 2xx.</summary>
    public const string Success = "success";

    /// <summary>The merchant answered something else; the delivery will be retried.</summary>
    public const string Failure = "failure";

    /// <summary>No answer came (a timeout, a refused or broken connection); the delivery will be retried.</summary>
    public const string Error = "error";

    /// <summary>The attempt failed and the delivery is dead: its last attempt, or a 410 Gone.</summary>
    public const string Dead = "dead";

    public static readonly IReadOnlyList<string> All = [Success, Failure, Error, Dead];

    public static string Of(bool success, bool dead, bool answered) =>
        success ? Success : dead ? Dead : answered ? Failure : Error;
}
