namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>Who the AppHost runs as: it decides where the data lives and whom PostgreSQL runs as.</summary>
internal static class CurrentUser
{
    public static bool IsRoot { get; } = Environment.UserName == "root";

    public static bool Exists(string user) =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(line => line.StartsWith(user + ":", StringComparison.Ordinal));
}
