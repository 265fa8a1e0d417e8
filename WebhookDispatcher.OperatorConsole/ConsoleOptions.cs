namespace WebhookDispatcher.OperatorConsole;

/// <summary>The <c>Console</c> configuration section: what a deployment without Aspire sets.</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Console";

    /// <summary>
    /// Where the Api is (<c>Console__ApiUrl</c>). Unset, the console finds it by service discovery as
    /// <c>https+http://api</c>, which the AppHost's <c>WithReference(api)</c> supplies as <c>services__api__http__0</c>.
    /// </summary>
    public Uri? ApiUrl { get; set; }

    /// <summary>
    /// Sent as <c>Authorization: Bearer</c> on every call (<c>Console__ApiKey</c>). The Api needs one in Production;
    /// in Development it runs without keys.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// A link to an event's ingestion trace, with <c>{traceId}</c> in it (<c>Console__TraceUrl</c>), for instance the
    /// Aspire dashboard's <c>http://localhost:18888/traces/detail/{traceId}</c>. Unset, the event page shows the id only.
    /// </summary>
    public string? TraceUrl { get; set; }

    /// <summary>
    /// Where deliveries with no endpoint go (<c>Console__DefaultTargetUrl</c>, the Worker's
    /// <c>Dispatcher:DefaultTargetUrl</c>), shown in place of "the default target"; the AppHost passes it.
    /// </summary>
    public string? DefaultTargetUrl { get; set; }

    /// <summary>What a delivery without a target URL of its own is shown as.</summary>
    public string DefaultTargetText => DefaultTargetUrl is { Length: > 0 } url ? $"{url} (default target)" : "the default target (Dispatcher:DefaultTargetUrl)";
}
