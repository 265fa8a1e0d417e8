namespace WebhookDispatcher.Core.Targets;

/// <summary>
/// What a target URL may be, as configured for this environment: whether internal addresses are allowed, whether
/// only https is, and which ports. Outside Development signed payment data goes only over TLS and only to the ports
/// web servers answer on, so an endpoint can't be aimed at another service's port (SMTP, Redis, a database).
/// </summary>
public sealed record TargetRules(bool AllowPrivateTargets, bool RequireHttps, IReadOnlySet<int>? AllowedPorts)
{
    /// <summary>The ports a target may use outside Development when <c>Dispatcher:AllowedPorts</c> is unset.</summary>
    public static readonly IReadOnlyList<int> DefaultAllowedPorts = [443, 8443];

    /// <summary>Development's rules and those of the tests and tools that predate the port and scheme rules: any port, http or https.</summary>
    public static TargetRules Permissive(bool allowPrivateTargets) => new(allowPrivateTargets, RequireHttps: false, AllowedPorts: null);

    /// <summary>
    /// The rules the options give. Unset, RequireHttps is on and AllowedPorts is 443 and 8443 outside Development;
    /// in Development http and any port are allowed.
    /// </summary>
    public static TargetRules From(DispatcherOptions options, bool isDevelopment) => new(
        options.AllowPrivateTargets,
        options.RequireHttps ?? !isDevelopment,
        options.AllowedPorts is { Length: > 0 } ports ? ports.ToHashSet()
            : isDevelopment ? null : DefaultAllowedPorts.ToHashSet());

    /// <summary>Null when the URL's scheme and port are allowed, otherwise which rule it breaks.</summary>
    public string? CheckSchemeAndPort(Uri uri)
    {
        if (RequireHttps && uri.Scheme != Uri.UriSchemeHttps)
        {
            return "A target URL must use https here (Dispatcher:RequireHttps).";
        }
        if (AllowedPorts is not null && !AllowedPorts.Contains(uri.Port))
        {
            return $"A target URL's port must be one of {string.Join(", ", AllowedPorts.Order())} here (Dispatcher:AllowedPorts); {uri.Port} is not.";
        }
        return null;
    }
}
