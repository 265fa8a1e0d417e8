using System.Diagnostics;

namespace WebhookDispatcher.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of its own for a storage test: the machine's binaries, a cluster made by initdb in a temporary
/// directory, reached over a Unix socket in that directory only (no port to clash with). Disposing stops it at once
/// and deletes the directory, whether the test passed or not. As root the server runs as the postgres user, as the
/// AppHost runs it.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _binDirectory;
    private bool _started;

    private ThrowawayPostgres(string directory, string binDirectory)
    {
        _directory = directory;
        _binDirectory = binDirectory;
    }

    public string ConnectionString => $"Host={_directory};Port=5432;Username=postgres;Database=postgres;Pooling=true";

    public static async Task<ThrowawayPostgres> StartAsync(CancellationToken cancellationToken = default)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            .FirstOrDefault() ?? throw new InvalidOperationException("No PostgreSQL server binaries in /usr/lib/postgresql/*/bin.");
        var server = new ThrowawayPostgres(Directory.CreateTempSubdirectory("pg-test-").FullName, bin);
        try
        {
            if (Environment.UserName == "root")
            {
                await server.RunAsync("/usr/bin/chown", ["postgres:", server._directory], cancellationToken);
            }
            var data = Path.Combine(server._directory, "data");
            await server.RunAsync(server.Server("initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--no-locale", "--encoding=UTF8", "--no-sync"], cancellationToken);
            await server.RunAsync(server.Server("pg_ctl"), ["-D", data, "-w", "-l", Path.Combine(server._directory, "log"),
                "-o", $"-c listen_addresses='' -k {server._directory} -p 5432 -c fsync=off -c autovacuum=off", "start"], cancellationToken);
            server._started = true;
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private string Server(string program) => Path.Combine(_binDirectory, program);

    private async Task RunAsync(string file, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Environment.UserName == "root" && file != "/usr/bin/chown")
        {
            start.FileName = "/usr/bin/setpriv";
            foreach (var a in new[] { "--reuid", "postgres", "--regid", "postgres", "--init-groups", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }
        else
        {
            start.FileName = file;
        }
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_started)
            {
                await RunAsync(Server("pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"], CancellationToken.None);
            }
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
