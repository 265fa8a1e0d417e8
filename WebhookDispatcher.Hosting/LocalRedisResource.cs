namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Redis run from this machine's redis-server, in place of Aspire's container: the same resource name and connection
/// string (<c>host:port,password=…</c>), its snapshot kept in <see cref="DataDirectory"/>.
/// </summary>
public sealed class LocalRedisResource(string name, string command, string dataDirectory, ParameterResource password)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    /// <summary>Where the snapshot and the generated redis.conf live; set with <c>WithDataDirectory</c>.</summary>
    public string DataDirectory { get; internal set; } = dataDirectory;

    internal string ConfigFile => Path.Combine(DataDirectory, "redis.conf");

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");
}
