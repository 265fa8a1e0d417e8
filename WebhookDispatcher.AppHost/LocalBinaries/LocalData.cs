using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// Where local PostgreSQL and Redis keep their data between runs: <c>--data-dir</c> (<c>DataDirectory</c>), else
/// ~/.local/share/webhook-dispatcher ($XDG_DATA_HOME respected), or /var/lib/webhook-dispatcher when run as root,
/// because PostgreSQL then runs as the postgres user, who can't pass through root's home. <c>--fresh true</c>
/// starts from empty data.
/// </summary>
internal static class LocalData
{
    public const string ConfigurationKey = "DataDirectory";

    public static string DirectoryFor(IDistributedApplicationBuilder builder, string resourceName)
    {
        var root = Path.GetFullPath(builder.Configuration[ConfigurationKey] ?? builder.Configuration["data-dir"] ?? DefaultRoot());
        Directory.CreateDirectory(root);
        // Others may pass through (not list) so that the postgres user reaches its own directory below.
        Binaries.SetMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var directory = Path.Combine(root, resourceName);
        if (builder.Configuration.GetValue<bool>("fresh") && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        return directory;
    }

    private static string DefaultRoot()
    {
        if (Binaries.IsRoot)
        {
            return "/var/lib/webhook-dispatcher";
        }
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(dataHome, "webhook-dispatcher");
    }
}
