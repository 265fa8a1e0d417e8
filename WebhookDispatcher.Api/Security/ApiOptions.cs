namespace WebhookDispatcher.Api.Security;

/// <summary>The <c>Api</c> configuration section.</summary>
public sealed class ApiOptions
{
    /// <summary>
    /// Bearer keys producers present. Empty means no authentication, which only Development allows.
    /// Either a list (<c>Api__Keys__0</c>, <c>Api__Keys__1</c>) or one comma-separated value.
    /// </summary>
    public List<string> Keys { get; set; } = [];

    /// <summary>Largest body of POST /events.</summary>
    public int MaxEventBytes { get; set; } = 256 * 1024;

    /// <summary>Largest body of POST /events/batch.</summary>
    public int MaxBatchBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Most events in one batch.</summary>
    public int MaxBatchEvents { get; set; } = 1000;

    /// <summary>
    /// Single events waiting to be group-committed. When the database falls this far behind, POST /events answers
    /// 503 with Retry-After instead of holding ever more requests in memory.
    /// </summary>
    public int MaxQueuedEvents { get; set; } = 4096;

    /// <summary>How long all the ad-hoc target checks (DNS lookups) of one request may take together.</summary>
    public TimeSpan TargetCheckDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether the ad-hoc shape <c>{ target_url, payload }</c> is accepted. It signs any URL with the platform's
    /// secret, so unset it is on in Development only; set, it still passes the SSRF guard.
    /// </summary>
    public bool? AllowAdHocTargets { get; set; }

    public bool AdHocTargetsAllowed(IHostEnvironment environment) => AllowAdHocTargets ?? environment.IsDevelopment();

    public IReadOnlyList<string> EffectiveKeys() =>
        [.. Keys.SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>
    /// The list binds from <c>Api:Keys:0</c>, <c>Api:Keys:1</c>…; a single comma-separated <c>Api:Keys</c> value
    /// has no children, so the binder skips it and it is added here.
    /// </summary>
    public void AddSingleValue(IConfiguration configuration)
    {
        if (configuration["Api:Keys"] is { Length: > 0 } single)
        {
            Keys.Add(single);
        }
    }
}
