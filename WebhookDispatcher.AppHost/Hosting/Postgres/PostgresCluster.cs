namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// A PostgreSQL data directory and the server on it: made by initdb on first start, cleared of what a killed run left
/// behind, and served by <c>postgres</c> in the foreground so its output is captured like every resource's.
/// </summary>
internal sealed class PostgresCluster(PostgresInstallation installation, string directory, ConsoleLog log)
{
    private string LockFile => Path.Combine(directory, "postmaster.pid");

    public async Task EnsureInitializedAsync(string password, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(directory, "PG_VERSION")))
        {
            return;
        }

        var parent = Path.GetDirectoryName(directory)!;

        // initdb into a scratch directory, then rename it into place: a start cut short never leaves half a cluster.
        var scratch = directory + ".initializing";
        var passwordFile = directory + ".pwfile";
        if (Directory.Exists(scratch))
        {
            Directory.Delete(scratch, recursive: true);
        }
        Directory.CreateDirectory(scratch);
        File.WriteAllText(passwordFile, password + "\n");
        UnixPermissions.Set(passwordFile, UnixPermissions.OwnerOnly);
        try
        {
            if (installation.RunAsUser is { } user)
            {
                await RunAsync(new ProcessSpec("chown", [$"{user}:", scratch, passwordFile], WorkingDirectory: parent), "chown", cancellationToken);
            }
            log.WriteSystem($"creating the PostgreSQL cluster in {directory}");
            await RunAsync(
                new ProcessSpec(
                    installation.InitDb,
                    ["-D", scratch, "-U", "postgres", "--pwfile=" + passwordFile, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "--encoding=UTF8", "--no-locale"],
                    WorkingDirectory: parent,
                    RunAsUser: installation.RunAsUser),
                "initdb",
                cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
        Directory.Move(scratch, directory);
    }

    /// <summary>
    /// A postmaster.pid left by a run that was killed: if its server still runs on this directory (an orphan), it is
    /// stopped; if its process is gone or is someone else, the file is removed so PostgreSQL starts.
    /// </summary>
    public async Task ClearStaleLockAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(LockFile))
        {
            return;
        }
        var firstLine = File.ReadLines(LockFile).FirstOrDefault();
        if (int.TryParse(firstLine, out var pid) && ProcFs.IsRunning(pid) && ProcFs.CommandLine(pid).Contains(directory, StringComparison.Ordinal))
        {
            log.WriteSystem($"an earlier run's PostgreSQL (pid {pid}) still holds {directory}; stopping it");
            PosixSignals.Send(pid, PosixSignals.SIGINT);
            if (!await ProcFs.WaitForExitAsync(pid, TimeSpan.FromSeconds(15), cancellationToken))
            {
                PosixSignals.SendToGroup(pid, PosixSignals.SIGKILL);
                PosixSignals.Send(pid, PosixSignals.SIGKILL);
                await ProcFs.WaitForExitAsync(pid, TimeSpan.FromSeconds(5), cancellationToken);
            }
        }
        if (File.Exists(LockFile))
        {
            log.WriteSystem("removing a stale postmaster.pid");
            File.Delete(LockFile);
        }
    }

    public ProcessSpec ServerSpec(int port) => new(
        installation.Postgres,
        [
            "-D", directory,
            "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=localhost",
            // TCP only: no socket file that could clash with the machine's own PostgreSQL.
            "-c", "unix_socket_directories=",
            // The Api and every Worker keep a pool; the default 100 is tight with several replicas.
            "-c", "max_connections=300",
        ],
        WorkingDirectory: directory,
        RunAsUser: installation.RunAsUser);

    private async Task RunAsync(ProcessSpec spec, string what, CancellationToken cancellationToken)
    {
        var exitCode = await ChildProcess.RunToCompletionAsync(spec, log.Write, cancellationToken);
        if (exitCode != 0)
        {
            throw new DistributedApplicationException($"{what} failed with exit code {exitCode} (its output is in the postgres log)");
        }
    }
}
