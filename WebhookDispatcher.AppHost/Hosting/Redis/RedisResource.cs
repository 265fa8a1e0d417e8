using System.Globalization;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// A Redis server run from the machine's redis-server, in place of Aspire's container: a generated password, data
/// in the data directory. The settings go in a config file, so the password never shows in <c>ps</c>.
/// </summary>
public sealed class RedisResource(string name, ParameterResource password) : ExecutableResource(name), IResourceWithConnectionString
{
    private const string MissingMessage = "redis-server was not found. Install it: apt-get install -y redis-server";

    public override string Type => "Redis";

    public ParameterResource Password { get; } = password;

    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(10);

    public string GetConnectionString() => $"localhost:{GetEndpoint("tcp").GetPort()},password={Password.Value}";

    internal override void CheckPrerequisites(DataDirectory data)
    {
        if (Executables.Find("redis-server") is null)
        {
            throw new DistributedApplicationException(MissingMessage);
        }
    }

    internal override Task<ProcessSpec> PrepareStartAsync(ResourceStartContext context, CancellationToken cancellationToken)
    {
        var directory = context.Data.ForResource(Name);
        Directory.CreateDirectory(directory);
        var configFile = Path.Combine(directory, "redis.conf");
        File.WriteAllLines(configFile,
        [
            // Loopback only; "-::1" binds IPv6 loopback when the machine has it.
            "bind 127.0.0.1 -::1",
            "port " + GetEndpoint("tcp").GetPort().ToString(CultureInfo.InvariantCulture),
            "requirepass " + Password.Value,
            "daemonize no",
            "dir " + directory,
            // Snapshot like Aspire's Redis with a data volume: a minute after any change.
            "save 60 1",
            "appendonly no",
        ]);
        UnixPermissions.Set(configFile, UnixPermissions.OwnerOnly);

        var redisServer = Executables.Find("redis-server") ?? throw new DistributedApplicationException(MissingMessage);
        return Task.FromResult(new ProcessSpec(redisServer, [configFile], WorkingDirectory: directory));
    }
}
