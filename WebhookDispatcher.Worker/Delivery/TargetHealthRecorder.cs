using Microsoft.Extensions.Options;
using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Storage;
using WebhookDispatcher.Core.Telemetry;

namespace WebhookDispatcher.Worker.Delivery;

/// <summary>
/// Counts each written outcome batch into its targets' shared streak and circuit, and acts on what changed: a
/// circuit that opened, an endpoint failing for longer than <c>Dispatcher:DisableAfter</c> (disabled, its deliveries
/// held). A batch of successes to healthy targets costs nothing here: only a failure, or a success to a target that
/// was failing, is written.
/// </summary>
public sealed class TargetHealthRecorder(
    TargetStateStore states,
    EndpointStore endpoints,
    IOptions<DispatcherOptions> options,
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
        var changes = await states.RecordResultsAsync(results, settings.CircuitBreakAfter, settings.CircuitCooldown, settings.DisableAfter, cancellationToken);
        foreach (var change in changes)
        {
            if (change.CircuitOpened)
            {
                DispatcherTelemetry.CircuitOpened.Add(1, new KeyValuePair<string, object?>("endpoint", change.TargetKey));
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
                }
            }
        }
    }

    /// <summary>Per target, in the batch's order: did anything succeed, and how many failures came after the last success.</summary>
    internal static List<TargetResult> Summarize(IReadOnlyList<DeliveryOutcome> batch)
    {
        Dictionary<string, (bool Succeeded, int Trailing, DateTimeOffset? FirstFailure, string? LastError, bool WasFailing)>? targets = null;
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
            results.Add(new TargetResult(key, Guid.TryParse(key, out var endpointId) ? endpointId : null,
                target.Succeeded, target.Trailing, target.FirstFailure, target.LastError));
        }
        return results;
    }
}
