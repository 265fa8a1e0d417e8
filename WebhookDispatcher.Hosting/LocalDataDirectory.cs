using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// Where a local PostgreSQL or Redis keeps its data between runs, as Aspire keeps a container's in a named volume.
/// Each AppHost has its own: <c>--data-dir</c> (<c>DataDirectory</c>) when given, otherwise a directory named, as
/// Aspire names volumes, after the AppHost and a hash of its path, under the user's data directory
/// (<c>$XDG_DATA_HOME</c> or ~/.local/share), or under /var/lib when run as root, because PostgreSQL then runs as
/// the postgres user, who can't pass through root's home. Two checkouts on one machine never share data.
/// Nothing here touches the disk while the model is built: <see cref="Prepare"/> runs when the resource starts.
/// </summary>
public static partial class LocalDataDirectory
{
    public const string ConfigurationKey = "DataDirectory";

    private const UnixFileMode PassThrough = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>The directory of <paramref name="resourceName"/>'s data for this AppHost.</summary>
    public static string For(IDistributedApplicationBuilder builder, string resourceName)
    {
        var configured = builder.Configuration[ConfigurationKey] ?? builder.Configuration["data-dir"];
        var root = configured is not null ? Path.GetFullPath(configured) : Path.Combine(UserDataRoot(), AppHostName(builder));
        return Path.Combine(root, resourceName);
    }

    /// <summary>
    /// Makes the directory's parent (others may pass through, not list, so the postgres user reaches its own
    /// directory below it) and, when <paramref name="fresh"/>, deletes what a previous run left in the directory.
    /// </summary>
    public static void Prepare(string directory, bool fresh)
    {
        var root = Path.GetDirectoryName(directory)!;
        Directory.CreateDirectory(root);
        Binaries.SetMode(root, PassThrough);
        if (fresh && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary><c>{application}-{first 10 hex digits of the SHA-256 of the AppHost's path}</c>, as Aspire's volume names begin.</summary>
    private static string AppHostName(IDistributedApplicationBuilder builder)
    {
        var sha = builder.Configuration["AppHost:Sha256"]
            ?? Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(builder.AppHostDirectory)));
        var application = InvalidNameCharacters().Replace(builder.Environment.ApplicationName, "_");
        return $"{application}-{sha[..10]}".ToLowerInvariant();
    }

    private static string UserDataRoot()
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

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex InvalidNameCharacters();
}
