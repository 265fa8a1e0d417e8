namespace WebhookDispatcher.Worker.Delivery;

/// <summary>What one HTTP attempt came to.</summary>
/// <param name="StatusCode">The merchant's status code, or null when no response came.</param>
/// <param name="Error">Why it failed, for the attempt history; null on success.</param>
/// <param name="RetryAfter">The merchant's Retry-After, if it sent one.</param>
/// <param name="Permanent">Retrying cannot help (the endpoint's stored secret does not open): the delivery ends dead now.</param>
public sealed record AttemptResult(
    DateTimeOffset StartedAt,
    double DurationMs,
    int? StatusCode,
    string? Error,
    TimeSpan? RetryAfter = null,
    bool Permanent = false)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>
    /// 410 Gone: the merchant says the endpoint is no more. The one place this rule is read: the delivery ends dead at
    /// once (<see cref="OutcomeClassifier"/>) and the endpoint is disabled, its other deliveries held
    /// (<see cref="Core.Storage.DeliveryOutcome.EndpointGone"/>, acted on by the Worker).
    /// </summary>
    public bool EndpointGone => StatusCode == StatusCodes.Status410Gone;
}
