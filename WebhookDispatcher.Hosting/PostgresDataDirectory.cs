namespace Aspire.Hosting;

/// <summary>
/// The data directory of a local PostgreSQL: made by initdb on the first start, its superuser's password set to the
/// parameter's value on every start (single-user mode, before the server runs, so a changed or regenerated password
/// never locks the services out of kept data), and cleared of a lock file that a killed server left behind.
/// </summary>
public sealed class PostgresDataDirectory(PostgresBinaries binaries, string directory)
{
    public async Task PrepareAsync(string password, Action<string> log, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(directory, "PG_VERSION")))
        {
            await InitializeAsync(password, log, cancellationToken);
            return;
        }
        ClearStaleLock(log);
        var escaped = password.Replace("'", "''", StringComparison.Ordinal);
        var (file, args) = binaries.Command(binaries.Postgres, "--single", "-D", directory, "postgres");
        await Binaries.RunAsync(file, args, _ => { }, cancellationToken, standardInput: $"ALTER ROLE postgres PASSWORD '{escaped}';\n");
    }

    private async Task InitializeAsync(string password, Action<string> log, CancellationToken cancellationToken)
    {
        // initdb into a scratch directory, then rename it into place: a start cut short never leaves half a cluster.
        var scratch = directory + ".initializing";
        var passwordFile = directory + ".pwfile";
        if (Directory.Exists(scratch))
        {
            Directory.Delete(scratch, recursive: true);
        }
        Directory.CreateDirectory(scratch);
        File.WriteAllText(passwordFile, password + "\n");
        Binaries.SetMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            if (binaries.RunAsUser is { } user)
            {
                await Binaries.RunAsync("chown", [$"{user}:", scratch, passwordFile], log, cancellationToken);
            }
            log($"Creating a PostgreSQL cluster in {directory}");
            var (file, args) = binaries.Command(binaries.InitDb, "-D", scratch, "-U", "postgres", "--pwfile=" + passwordFile,
                "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "--encoding=UTF8", "--no-locale");
            await Binaries.RunAsync(file, args, log, cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
        Directory.Move(scratch, directory);
    }

    /// <summary>
    /// PostgreSQL removes its own stale postmaster.pid, unless the dead server's pid now belongs to another process;
    /// then it refuses to start. A pid that is not a postgres process is such a leftover.
    /// </summary>
    private void ClearStaleLock(Action<string> log)
    {
        var lockFile = Path.Combine(directory, "postmaster.pid");
        if (!File.Exists(lockFile) || !int.TryParse(File.ReadLines(lockFile).FirstOrDefault(), out var pid))
        {
            return;
        }
        var comm = $"/proc/{pid}/comm";
        if (!File.Exists(comm) || File.ReadAllText(comm).Trim() != "postgres")
        {
            log($"Removing a stale postmaster.pid (pid {pid} is not a running PostgreSQL)");
            File.Delete(lockFile);
        }
    }
}
