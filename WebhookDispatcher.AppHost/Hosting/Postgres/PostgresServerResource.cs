namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// A PostgreSQL server run from the machine's PostgreSQL binaries, in place of Aspire's container: password
/// authentication for the <c>postgres</c> user, data in the data directory so it outlives the AppHost.
/// </summary>
public sealed class PostgresServerResource(string name, ParameterResource password) : ExecutableResource(name), IResourceWithConnectionString
{
    private PostgresInstallation? _installation;

    public override string Type => "Postgres";

    public ParameterResource Password { get; } = password;

    public List<PostgresDatabaseResource> Databases { get; } = [];

    /// <summary>SIGINT is PostgreSQL's fast shutdown, what <c>pg_ctl stop -m fast</c> sends: sessions end, data is flushed.</summary>
    public override int StopSignal => PosixSignals.SIGINT;

    public override TimeSpan StopTimeout => TimeSpan.FromSeconds(15);

    public string GetConnectionString() =>
        $"Host=localhost;Port={GetEndpoint("tcp").GetPort()};Username=postgres;Password={Password.Value}";

    internal override void CheckPrerequisites(DataDirectory data)
    {
        _installation = PostgresInstallation.Find();
        _installation.CheckCanReach(data.Root);
    }

    internal override async Task<ProcessSpec> PrepareStartAsync(ResourceStartContext context, CancellationToken cancellationToken)
    {
        var installation = _installation ??= PostgresInstallation.Find();
        var cluster = new PostgresCluster(installation, context.Data.ForResource(Name), context.Log);
        await cluster.EnsureInitializedAsync(Password.Value, cancellationToken);
        await cluster.ClearStaleLockAsync(cancellationToken);
        return cluster.ServerSpec(GetEndpoint("tcp").GetPort());
    }
}
