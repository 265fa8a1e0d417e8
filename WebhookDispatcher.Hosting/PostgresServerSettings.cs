using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// The server settings the engine runs PostgreSQL with, the same in Aspire's container, in the local binaries and in
/// the tests' throwaway servers.
/// </summary>
public static class PostgresServerSettings
{
    /// <summary><c>-c name=value</c> pairs for the postgres command line.</summary>
    public static IReadOnlyList<string> Arguments(bool withStatementStatistics)
    {
        // The Api and every Worker replica keep a pool; the default 100 is tight with several replicas.
        List<string> args = ["-c", "max_connections=300"];
        if (withStatementStatistics)
        {
            // Loaded, not installed: `CREATE EXTENSION pg_stat_statements` in a database makes its view readable.
            // Planning is counted too: a statement re-planned on every execution shows there, not in its run time.
            args.AddRange(["-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track_planning=on"]);
        }
        return args;
    }

    /// <summary>The same settings for Aspire's PostgreSQL container (its image ships pg_stat_statements).</summary>
    public static IResourceBuilder<PostgresServerResource> WithServerSettings(this IResourceBuilder<PostgresServerResource> builder) =>
        builder.WithArgs([.. Arguments(withStatementStatistics: true)]);
}
