using Microsoft.Extensions.Options;

namespace WebhookDispatcher.Core.Alerts;

/// <summary>Refuses to start on alert settings that would never send (saying which), rather than failing at the first alert.</summary>
public sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
