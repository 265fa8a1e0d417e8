namespace WebhookDispatcher.Core.Alerts;

/// <summary>
/// One reason to page someone about one target, as the Worker's outcome path sees it.
/// </summary>
/// <param name="TargetKey">
/// What an alert is about, and the unit of "one incident at a time": the endpoint id as text (<c>7f3c…</c>) for a
/// registered endpoint, or <c>url:&lt;target url&gt;</c> for an ad-hoc or the default target (<see cref="ForUrl"/>).
/// </param>
/// <param name="Kind">One of <see cref="AlertKind"/>.</param>
/// <param name="Summary">One line for a person, e.g. "10 consecutive failures".</param>
/// <param name="Detail">The latest error, or whatever else helps; kept as the alert's latest detail.</param>
public sealed record AlertTrigger(string TargetKey, Guid? EndpointId, string? MerchantId, string TargetUrl, string Kind, string Summary, string? Detail)
{
    public static string ForEndpoint(Guid endpointId) => endpointId.ToString();

    public static string ForUrl(string targetUrl) => "url:" + targetUrl;
}
