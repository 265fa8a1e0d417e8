namespace WebhookDispatcher.Core.Alerts;

/// <summary>What made an alert fire. One alert per target can carry several (a receiver failing everything hits them all).</summary>
public static class AlertKind
{
    /// <summary>Alerts:ConsecutiveFailures attempts in a row failed.</summary>
    public const string ConsecutiveFailures = "consecutive_failures";

    /// <summary>The endpoint's circuit breaker opened: it failed nearly every attempt.</summary>
    public const string CircuitOpen = "circuit_open";

    /// <summary>The engine disabled the endpoint on the merchant's behalf.</summary>
    public const string AutoDisabled = "auto_disabled";

    /// <summary>A delivery to the target used up its attempts.</summary>
    public const string Dead = "dead";

    public static IReadOnlyList<string> All { get; } = [ConsecutiveFailures, CircuitOpen, AutoDisabled, Dead];
}
