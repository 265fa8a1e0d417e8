using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.AppHost.Dashboard.Deliveries;

// The Api's answer envelopes, as it writes them (WebhookDispatcher.Api/Models). The items inside are Core's
// records, shared with the Api, so a change there shows up here at compile time.

public sealed record EventPage(int Page, int Limit, IReadOnlyList<EventSummary> Events);

public sealed record DeliveryPage(int Page, int Limit, IReadOnlyList<DeliveryDetails> Deliveries);

public sealed record StatusSummary(long Pending, long InFlight, long Delivered, long Dead, long Total);

public sealed record RetryAccepted(IReadOnlyList<long> Retried);

/// <summary>An Api call's result: its value, or what went wrong in words a person can act on.</summary>
public sealed record ApiResult<T>(T? Value, string? Error)
{
    public bool IsSuccess => Error is null;
}
