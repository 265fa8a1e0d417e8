namespace WebhookDispatcher.Core.Targets;

/// <summary>
/// Where deliveries go, as one thing with a shared pace, circuit and alerts: a registered endpoint, or a URL (an
/// ad-hoc target, or the default target that a merchant without endpoints is delivered to). Stored as text in
/// <c>target_states</c> and <c>alerts</c>: the endpoint's id, or <see cref="UrlPrefix"/> and the URL. This type is the
/// one place that spelling is made and read; the claim's SQL, which finds a delivery's row, spells it with
/// <see cref="UrlPrefix"/> too.
/// </summary>
public readonly record struct TargetKey
{
    /// <summary>What a URL target's stored key starts with.</summary>
    public const string UrlPrefix = "url:";

    private readonly string? _value;

    private TargetKey(string value) => _value = value;

    /// <summary>The key as stored.</summary>
    public string Value => _value ?? "";

    public static TargetKey ForEndpoint(Guid endpointId) => new(endpointId.ToString());

    public static TargetKey ForUrl(string url) => new(UrlPrefix + url);

    /// <summary>A key as read back from <c>target_states</c> or the claim.</summary>
    public static TargetKey FromStored(string value) => new(value);

    /// <summary>The target is a URL (ad-hoc or the default target), not a registered endpoint.</summary>
    public bool IsUrl => Value.StartsWith(UrlPrefix, StringComparison.Ordinal);

    /// <summary>The URL of a URL target; null for an endpoint.</summary>
    public string? Url => IsUrl ? Value[UrlPrefix.Length..] : null;

    /// <summary>The endpoint of an endpoint target; null for a URL.</summary>
    public Guid? EndpointId => !IsUrl && Guid.TryParse(Value, out var id) ? id : null;

    public override string ToString() => Value;
}
