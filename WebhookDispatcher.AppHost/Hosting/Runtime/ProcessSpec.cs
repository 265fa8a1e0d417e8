namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>What to run for a resource: the executable, its arguments, the environment it adds, where, and as whom.</summary>
/// <param name="RunAsUser">Another user to run as (PostgreSQL when the AppHost is root); null for the AppHost's own.</param>
internal sealed record ProcessSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string>? Environment = null,
    string? WorkingDirectory = null,
    string? RunAsUser = null);
