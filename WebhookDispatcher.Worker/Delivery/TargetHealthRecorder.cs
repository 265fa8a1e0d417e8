using Microsoft.Extensions.Options;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Alerts;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Core.Targets;
using WebhookDispatcher.Core.Telemetry;

namespace WebhookDispatcher.Worker.Delivery;

/// <summary>
/// Counts each written outcome batch into its targets' shared streak and circuit, and acts on what changed: a
/// circuit that opened, an endpoint failing for longer than <c>Dispatcher:DisableAfter</c> (disabled, its deliveries
/// held), and the alerts these raise: failures in a row, a circuit opening, an auto-disable, a delivery going dead;
/// and their resolve once the target delivers again. A batch of successes to healthy targets costs nothing here: only
/// a failure, or a success to a target that was failing, is written. Alerts are stored here and sent by the
/// <c>AlertDispatcher</c>, so they never hold up the outcomes that raised them. Registered endpoints and the default
/// target each have alerts of their own; every ad-hoc target's are gathered into one (<see cref="AlertStore.AdHocTargetsKey"/>),
/// so that whoever can submit events cannot page on-call once per failing URL they make up.
/// </summary>
public sealed class TargetHealthRecorder(
    TargetStateStore states,
    EndpointStore endpoints,
    AlertStore alerts,
    IOptions<DispatcherOptions> options,
    IOptions<AlertOptions> alertOptions,
    ILogger<TargetHealthRecorder> logger)
{
    public async Task RecordAsync(IReadOnlyList<DeliveryOutcome> batch, CancellationToken cancellationToken)
    {
        var results = Summarize(batch);
        if (results.Count == 0)
        {
            return;
        }
        var settings = options.Value;
        var alerting = alertOptions.Value;
        var changes = await states.RecordResultsAsync(results, settings.CircuitBreakAfter, settings.CircuitCooldown, settings.DisableAfter, cancellationToken);
        var targets = Targets(batch);
        var defaultKey = settings.DefaultTargetUrl is { } defaultUrl ? TargetKey.ForUrl(defaultUrl) : (TargetKey?)null;
        var triggers = new List<AlertTrigger>();
        var recovered = new List<string>();
        var adHocRecovered = false;
        foreach (var change in changes)
        {
            var (merchant, knownUrl) = targets.GetValueOrDefault(change.TargetKey);
            var url = UrlOf(change.TargetKey, knownUrl);
            if (change.ConsecutiveFailures == 0)
            {
                if (IsAdHoc(change.TargetKey, defaultKey))
                {
                    adHocRecovered = true;
                }
                else
                {
                    recovered.Add(change.TargetKey.Value);
                }
            }
            if (change.ConsecutiveFailures >= alerting.ConsecutiveFailures)
            {
                triggers.Add(Trigger(defaultKey, change.TargetKey, change.EndpointId, merchant, url, AlertKind.ConsecutiveFailures,
                    $"{url} failed {change.ConsecutiveFailures} attempts in a row", change.LastError));
            }
            if (change.CircuitOpened)
            {
                triggers.Add(Trigger(defaultKey, change.TargetKey, change.EndpointId, merchant, url, AlertKind.CircuitOpen,
                    $"{url}: circuit open, deliveries paused until {change.CircuitOpenUntil:u}", change.LastError));
            }

            if (change.CircuitOpened)
            {
                DispatcherTelemetry.CircuitOpened.Add(1, new KeyValuePair<string, object?>("endpoint", change.TargetKey.Value));
                logger.LogWarning("Circuit of {Target} opened after {Failures} failures in a row; its deliveries wait until {OpenUntil:O}, then one probe goes. Last error: {Error}",
                    change.TargetKey, change.ConsecutiveFailures, change.CircuitOpenUntil, change.LastError);
            }
            else if (change.ConsecutiveFailures == 0)
            {
                logger.LogInformation("{Target} delivers again: its circuit is closed", change.TargetKey);
            }
            if (change.FailingTooLong && change.EndpointId is { } endpointId)
            {
                var reason = $"Disabled automatically: every attempt failed for over {settings.DisableAfter} (since {change.FailingSince:O}). Last error: {change.LastError}";
                if (await endpoints.DisableAsync(endpointId, reason, cancellationToken))
                {
                    logger.LogError("Endpoint {Endpoint} disabled: every attempt failed since {Since:O}; its deliveries are held until it is enabled again",
                        endpointId, change.FailingSince);
                    triggers.Add(new AlertTrigger(change.TargetKey.Value, endpointId, merchant, url, AlertKind.AutoDisabled,
                        $"{url} disabled: every attempt failed since {change.FailingSince:u}; its deliveries are held", change.LastError));
                }
            }
        }
        foreach (var dead in batch.Where(o => o.Attempted && o.Status == DeliveryStatus.Dead && o.TargetKey is not null).GroupBy(o => o.TargetKey!.Value))
        {
            var last = dead.Last();
            var url = UrlOf(dead.Key, last.TargetUrl);
            triggers.Add(Trigger(defaultKey, dead.Key, dead.Key.EndpointId, last.MerchantId, url, AlertKind.Dead,
                dead.Count() == 1 ? $"a delivery to {url} is dead" : $"{dead.Count()} deliveries to {url} are dead", last.Error));
        }
        // An endpoint that answered 410 Gone is disabled by the Worker at once (DeliveryWorker): its alert says so.
        foreach (var gone in batch.Where(o => o.EndpointGone && o.TargetKey is { EndpointId: not null }).GroupBy(o => o.TargetKey!.Value))
        {
            var last = gone.Last();
            var url = UrlOf(gone.Key, last.TargetUrl);
            triggers.Add(new AlertTrigger(gone.Key.Value, gone.Key.EndpointId, last.MerchantId, url, AlertKind.AutoDisabled,
                $"{url} disabled: it answered 410 Gone; its deliveries are held", last.Error));
        }

        if (triggers.Count > 0)
        {
            var raised = await alerts.RaiseAsync(triggers, alerting.Cooldown, alerting.EnabledChannels(), cancellationToken);
            if (raised > 0)
            {
                logger.LogWarning("Raised {Count} alerts: {Summaries}", raised, string.Join("; ", triggers.Select(t => t.Summary).Distinct()));
            }
        }
        // The ad-hoc targets' one alert resolves once none of them is failing, not when the first of them recovers.
        if (adHocRecovered && !await states.AnyAdHocFailingAsync(defaultKey, cancellationToken))
        {
            recovered.Add(AlertStore.AdHocTargetsKey);
        }
        if (recovered.Count > 0 && await alerts.ResolveAsync(recovered, cancellationToken) is > 0 and var resolved)
        {
            logger.LogInformation("Resolved {Count} alerts: {Targets} deliver again", resolved, string.Join(", ", recovered));
        }
    }

    /// <summary>An ad-hoc target's key: a URL's, but not the default target's.</summary>
    internal static bool IsAdHoc(TargetKey targetKey, TargetKey? defaultTargetKey) =>
        targetKey.IsUrl && targetKey != defaultTargetKey;

    /// <summary>
    /// A trigger for a target's alert; an ad-hoc target's goes to the one alert of all ad-hoc targets, with no
    /// merchant (they are many) and the URL that failed named in its summary.
    /// </summary>
    private static AlertTrigger Trigger(TargetKey? defaultTargetKey, TargetKey targetKey, Guid? endpointId, string? merchantId, string url,
        string kind, string summary, string? detail) =>
        IsAdHoc(targetKey, defaultTargetKey)
            ? new AlertTrigger(AlertStore.AdHocTargetsKey, null, null, "(ad-hoc targets)", kind, $"ad-hoc targets failing; latest: {summary}", detail)
            : new AlertTrigger(targetKey.Value, endpointId, merchantId, url, kind, summary, detail);

    /// <summary>A target's URL for a person: as the outcome named it, or as its key spells it (the default target's).</summary>
    private static string UrlOf(TargetKey targetKey, string? url) => url ?? targetKey.Url ?? "(the endpoint)";

    /// <summary>Each target's merchant and URL, as the batch's outcomes name them.</summary>
    private static Dictionary<TargetKey, (string? MerchantId, string? Url)> Targets(IReadOnlyList<DeliveryOutcome> batch)
    {
        var targets = new Dictionary<TargetKey, (string?, string?)>();
        foreach (var outcome in batch)
        {
            if (outcome.TargetKey is { } key && outcome.MerchantId is not null)
            {
                targets[key] = (outcome.MerchantId, outcome.TargetUrl);
            }
        }
        return targets;
    }

    /// <summary>Per target, in the batch's order: did anything succeed, and how many failures came after the last success.</summary>
    internal static List<TargetResult> Summarize(IReadOnlyList<DeliveryOutcome> batch)
    {
        Dictionary<TargetKey, (bool Succeeded, int Trailing, DateTimeOffset? FirstFailure, string? LastError, bool WasFailing)>? targets = null;
        foreach (var outcome in batch)
        {
            if (!outcome.Attempted || outcome.TargetKey is not { } key)
            {
                continue;
            }
            targets ??= [];
            var target = targets.GetValueOrDefault(key);
            target.WasFailing |= outcome.TargetWasFailing;
            if (outcome.Succeeded)
            {
                target = (true, 0, null, null, target.WasFailing);
            }
            else
            {
                target = (target.Succeeded, target.Trailing + 1, target.FirstFailure ?? outcome.StartedAt, outcome.Error, target.WasFailing);
            }
            targets[key] = target;
        }
        var results = new List<TargetResult>();
        if (targets is null)
        {
            return results;
        }
        foreach (var (key, target) in targets)
        {
            if (target.Trailing == 0 && !target.WasFailing)
            {
                continue; // healthy and staying so
            }
            results.Add(new TargetResult(key, key.EndpointId,
                target.Succeeded, target.Trailing, target.FirstFailure, target.LastError));
        }
        return results;
    }
}
