namespace WebhookDispatcher.Core.Storage;

/// <summary>
/// A change to a registered endpoint, for <see cref="EndpointStore.UpdateAsync"/>: each field given replaces the
/// stored one, each left null keeps it. The subscription and the rate limit may themselves be set to null (every type,
/// no limit), so those are given as a <see cref="Replacement{T}"/>, whose value may be null.
/// </summary>
public sealed record EndpointChange
{
    public string? Url { get; init; }

    public string? Description { get; init; }

    /// <summary>The event types subscribed to; a replacement by null subscribes to every type.</summary>
    public Replacement<IReadOnlyList<string>?>? EventTypes { get; init; }

    public bool? Enabled { get; init; }

    /// <summary>Why the endpoint is disabled, shown to the merchant; kept with <see cref="Enabled"/> false.</summary>
    public string? DisabledReason { get; init; }

    /// <summary>Deliveries per second at most; a replacement by null lifts the limit.</summary>
    public Replacement<int?>? RateLimitPerSecond { get; init; }

    public bool? LegacySignature { get; init; }

    /// <summary>A field's new value, which may be null: its presence is what says the field changes.</summary>
    public sealed record Replacement<T>(T Value);
}
