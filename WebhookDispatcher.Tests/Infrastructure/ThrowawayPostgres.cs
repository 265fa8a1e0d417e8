using System.Diagnostics;
using Aspire.Hosting;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WebhookDispatcher.Core.Storage;

namespace WebhookDispatcher.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of the machine's own binaries, for tests of SQL alone: a fresh cluster in a temporary
/// directory, on a free loopback port, migrated as the services migrate it; much lighter than the whole AppHost.
/// It is launched as the AppHost launches its local PostgreSQL (WebhookDispatcher.Hosting), as the <c>postgres</c>
/// user when the tests run as root. Stopped and deleted on dispose, on a failed start, and at process exit if a
/// test run is cut short.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private Process? _server;
    private string? _directory;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        // The AppHost's own launcher: the same binaries, initdb and server settings as the local PostgreSQL resource.
        var binaries = PostgresBinaries.Find();
        _directory = Directory.CreateTempSubdirectory("throwaway-pg-").FullName;
        var data = Path.Combine(_directory, "data");
        LocalDataDirectory.Prepare(data, fresh: false);
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await new PostgresDataDirectory(binaries, data).PrepareAsync(password, _ => { }, CancellationToken.None);

        var port = FreePort();
        var (file, args) = binaries.Command(binaries.Postgres,
        [
            "-D", data, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            .. PostgresServerSettings.Arguments(binaries.HasStatementStatistics),
            // A throwaway's data never matters, so nothing waits for the disk.
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            // Nothing runs but the tests' own statements, so a test can tell from the next transaction id that nothing wrote.
            "-c", "autovacuum=off",
        ]);
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        _server = Process.Start(start)!;
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Database=postgres;Pooling=true;Maximum Pool Size=40";
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                await using var connection = await DataSource.OpenConnectionAsync();
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException && DateTime.UtcNow < deadline && !_server.HasExited)
            {
                await Task.Delay(100);
            }
        }
        await new DatabaseMigrator(DataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }
        Stop();
    }

    private void OnProcessExit(object? sender, EventArgs e) => Stop();

    private void Stop()
    {
        if (_server is { HasExited: false } server)
        {
            // SIGQUIT is PostgreSQL's immediate shutdown: the server and its backends go at once, and no data matters.
            using (var kill = Process.Start("kill", ["-QUIT", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit(TimeSpan.FromSeconds(5));
            }
            if (!server.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit(TimeSpan.FromSeconds(5));
            }
        }
        _server?.Dispose();
        _server = null;
        if (_directory is not null && Directory.Exists(_directory))
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A backend still exiting may hold a file a moment longer; the temporary directory is the system's to clean.
            }
        }
        _directory = null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
