namespace WebhookDispatcher.Core.Alerts;

/// <summary>
/// One reason to page someone about one target, as the Worker's outcome path sees it.
/// </summary>
/// <param name="TargetKey">
/// What an alert is about, and the unit of "one incident at a time": a target's key as stored
/// (<see cref="Targets.TargetKey.Value"/>), or <c>AlertStore.AdHocTargetsKey</c> for the one alert of every ad-hoc target.
/// </param>
/// <param name="Kind">One of <see cref="AlertKind"/>.</param>
/// <param name="Summary">One line for a person, e.g. "10 consecutive failures".</param>
/// <param name="Detail">The latest error, or whatever else helps; kept as the alert's latest detail.</param>
public sealed record AlertTrigger(string TargetKey, Guid? EndpointId, string? MerchantId, string TargetUrl, string Kind, string Summary, string? Detail);
