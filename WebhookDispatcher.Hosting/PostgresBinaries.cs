namespace Aspire.Hosting;

/// <summary>
/// The machine's PostgreSQL server binaries, and how to launch them. PostgreSQL refuses to run as root, so an AppHost
/// running as root launches them as the <c>postgres</c> user (which Debian's package creates) through <c>setpriv</c>,
/// which execs in place: the resource's pid is the server's own, so a kill reaches the server.
/// </summary>
public sealed record PostgresBinaries(string BinDirectory, string? RunAsUser)
{
    private const string InstallHint = "Install the server: apt-get install -y postgresql (scripts/run.sh does).";

    public string Postgres => Path.Combine(BinDirectory, "postgres");

    public string InitDb => Path.Combine(BinDirectory, "initdb");

    /// <summary>
    /// Whether the server can load pg_stat_statements (Debian's server package ships it beside the binaries): the
    /// time and buffers of every statement, which is where an operator looks first when the database is busy.
    /// </summary>
    public bool HasStatementStatistics => File.Exists(Path.Combine(BinDirectory, "..", "lib", "pg_stat_statements.so"));

    /// <summary>The command line that runs <paramref name="program"/> as the server's user.</summary>
    public (string File, string[] Args) Command(string program, params string[] args) => RunAsUser is null
        ? (program, args)
        : ("/usr/bin/setpriv", ["--reuid", RunAsUser, "--regid", RunAsUser, "--init-groups", "--", program, .. args]);

    public static PostgresBinaries Find()
    {
        var binDirectory = FindBinDirectory()
            ?? throw new DistributedApplicationException($"PostgreSQL's server binaries were not found in /usr/lib/postgresql/*/bin or on PATH. {InstallHint}");
        if (!Binaries.IsRoot)
        {
            return new PostgresBinaries(binDirectory, null);
        }
        if (!File.Exists("/usr/bin/setpriv"))
        {
            throw new DistributedApplicationException("setpriv was not found; it runs PostgreSQL as the postgres user. Install it: apt-get install -y util-linux");
        }
        return new PostgresBinaries(binDirectory, "postgres");
    }

    private static string? FindBinDirectory()
    {
        // Debian installs each major version side by side; take the newest.
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Bin: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Bin, "postgres")) && File.Exists(Path.Combine(d.Bin, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Bin)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }
        return Binaries.Find("postgres") is { } onPath && File.Exists(Path.Combine(Path.GetDirectoryName(onPath)!, "initdb"))
            ? Path.GetDirectoryName(onPath)
            : null;
    }
}
