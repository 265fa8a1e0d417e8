using Npgsql;

namespace WebhookDispatcher.Bench.Hosting;

/// <summary>
/// A throwaway PostgreSQL cluster in a temp folder on a free port, run with the machine's server binaries
/// (as the postgres user when we are root, which PostgreSQL refuses to run as). Durability stays at the
/// defaults: fsync on, synchronous_commit on, full_page_writes on.
/// </summary>
internal sealed class PostgresServer(string directory)
{
    private const string Database = "webhooks";
    private readonly string _data = Path.Combine(directory, "data");
    private readonly string _socket = Path.Combine(directory, "socket");
    private readonly string _log = Path.Combine(directory, "postgres.log");

    public int Port { get; } = NativeProcess.FreePort();

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Password=bench;Database={Database}";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_data);
        Directory.CreateDirectory(_socket);
        if (NativeProcess.IsRoot)
        {
            await NativeProcess.RunAsync("chmod", ["755", directory], cancellationToken);
            await NativeProcess.RunAsync("chown", ["-R", "postgres:postgres", _data, _socket], cancellationToken);
            await NativeProcess.RunAsync("touch", [_log], cancellationToken);
            await NativeProcess.RunAsync("chown", ["postgres:postgres", _log], cancellationToken);
        }
        await RunToolAsync("initdb", ["-D", _data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"], cancellationToken);
        await StartAsync(cancellationToken);
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres");
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        string[] settings =
        [
            $"-p {Port}",
            $"-k {_socket}",
            "-c listen_addresses=127.0.0.1",
            "-c max_connections=500",
            "-c shared_buffers=512MB",
            // Fewer checkpoints during a run; WAL is still flushed at every commit.
            "-c max_wal_size=4GB",
            "-c checkpoint_timeout=15min",
        ];
        return RunToolAsync("pg_ctl", ["start", "-w", "-t", "60", "-D", _data, "-l", _log, "-o", string.Join(' ', settings)], cancellationToken);
    }

    /// <summary>A fast shutdown: sessions are cut, open transactions roll back, everything committed stays.</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        RunToolAsync("pg_ctl", ["stop", "-w", "-t", "60", "-m", "fast", "-D", _data], cancellationToken);

    public IReadOnlyList<int> ProcessIds()
    {
        try
        {
            var pid = int.Parse(File.ReadLines(Path.Combine(_data, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
            return NativeProcess.Tree(pid);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return [];
        }
    }

    private static Task RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Binary(tool);
        return NativeProcess.IsRoot
            ? NativeProcess.RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], cancellationToken)
            : NativeProcess.RunAsync(path, arguments, cancellationToken);
    }

    private static string Binary(string tool)
    {
        foreach (var version in new[] { "17", "16", "15" })
        {
            var path = $"/usr/lib/postgresql/{version}/bin/{tool}";
            if (File.Exists(path))
            {
                return path;
            }
        }
        return tool; // on PATH
    }
}
