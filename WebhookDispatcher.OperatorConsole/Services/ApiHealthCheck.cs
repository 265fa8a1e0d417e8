using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WebhookDispatcher.OperatorConsole.Services;

/// <summary>
/// Reports whether the console can read the Api, so a wrong address or API key shows in /health as well as on the
/// pages. Registered as Degraded rather than Unhealthy: /health then still answers 200, so an orchestrator keeps
/// routing operators to the console, which is exactly when they need its "the Api can't be reached" message, while
/// the Aspire dashboard and the /health body say what is wrong.
/// </summary>
public sealed class ApiHealthCheck(ApiClient api) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var error = await api.CheckReadableAsync(cancellationToken);
        return error is null
            ? HealthCheckResult.Healthy($"The Api at {api.BaseAddress} answers.")
            : new HealthCheckResult(context.Registration.FailureStatus, error);
    }
}
