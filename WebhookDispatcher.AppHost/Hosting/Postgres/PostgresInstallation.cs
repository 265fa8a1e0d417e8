namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// The machine's PostgreSQL binaries, and whom they run as. PostgreSQL refuses to run as root, so when the AppHost is
/// root the server and initdb run as the <c>postgres</c> user (which Debian's package creates), via <c>setpriv</c>.
/// </summary>
internal sealed record PostgresInstallation(string BinDirectory, string? RunAsUser)
{
    private const string InstallHint = "Install it: apt-get install -y postgresql";

    public string Postgres => Path.Combine(BinDirectory, "postgres");

    public string InitDb => Path.Combine(BinDirectory, "initdb");

    public static PostgresInstallation Find()
    {
        var binDirectory = FindBinDirectory()
            ?? throw new DistributedApplicationException($"PostgreSQL was not found (looked in /usr/lib/postgresql/*/bin and on PATH). {InstallHint}");

        if (!CurrentUser.IsRoot)
        {
            return new PostgresInstallation(binDirectory, null);
        }
        if (!CurrentUser.Exists("postgres"))
        {
            throw new DistributedApplicationException($"PostgreSQL won't run as root, and there is no 'postgres' user to run it as. {InstallHint} (it creates the user)");
        }
        if (Executables.Find("setpriv") is null)
        {
            throw new DistributedApplicationException("setpriv was not found; the AppHost needs it to run PostgreSQL as the postgres user. Install it: apt-get install -y util-linux");
        }
        return new PostgresInstallation(binDirectory, "postgres");
    }

    /// <summary>The server's user must be able to pass through every directory above its data: root's home (0700) is closed to it.</summary>
    public void CheckCanReach(string path)
    {
        if (RunAsUser is null)
        {
            return;
        }
        for (var current = Path.GetFullPath(path); !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            // A directory still to be made is made open enough (DataDirectory.Prepare).
            if (Directory.Exists(current) && !UnixPermissions.Get(current).HasFlag(UnixFileMode.OtherExecute) && current != Path.GetFullPath(path))
            {
                throw new DistributedApplicationException(
                    $"PostgreSQL runs as the {RunAsUser} user, which can't reach {path}: {current} is closed to other users. Choose another data directory, e.g. --data-dir /var/lib/webhook-dispatcher");
            }
        }
    }

    private static string? FindBinDirectory()
    {
        // Debian installs each major version side by side; take the newest.
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Directory, "postgres")) && File.Exists(Path.Combine(d.Directory, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Directory)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }
        var onPath = Executables.Find("postgres");
        return onPath is not null && File.Exists(Path.Combine(Path.GetDirectoryName(onPath)!, "initdb")) ? Path.GetDirectoryName(onPath) : null;
    }
}
