namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// Where the AppHost keeps what outlives a run:
/// <code>
/// parameters.json   generated passwords and secrets (0600)
/// postgres/         PostgreSQL's data directory (owned by the postgres user when the AppHost is root)
/// redis/            redis.conf and Redis's snapshot
/// logs/&lt;name&gt;.log   each resource's console output, this run
/// run/children      the child processes alive now, for the watchdog and the next start
/// </code>
/// By default ~/.local/share/webhook-dispatcher ($XDG_DATA_HOME respected); /var/lib/webhook-dispatcher when root,
/// because PostgreSQL then runs as the postgres user, who can't reach into root's home.
/// </summary>
public sealed class DataDirectory(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Logs => Path.Combine(Root, "logs");

    public string ParametersFile => Path.Combine(Root, "parameters.json");

    public string ChildrenFile => Path.Combine(Root, "run", "children");

    public string ForResource(string resourceName) => Path.Combine(Root, resourceName);

    public static string DefaultPath()
    {
        if (CurrentUser.IsRoot)
        {
            return "/var/lib/webhook-dispatcher";
        }
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(dataHome, "webhook-dispatcher");
    }

    /// <summary>Creates the layout; <paramref name="fresh"/> wipes everything first (<c>--fresh</c>).</summary>
    public void Prepare(bool fresh)
    {
        if (fresh && Directory.Exists(Root))
        {
            Delete();
        }
        Directory.CreateDirectory(Root);
        // Readable by others only so that the postgres user can pass through to its own directory.
        UnixPermissions.Set(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        Directory.CreateDirectory(Logs);
        Directory.CreateDirectory(Path.GetDirectoryName(ChildrenFile)!);
    }

    public void Delete()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
