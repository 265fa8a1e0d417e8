namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// A port a resource listens on. A fixed <see cref="Port"/> is kept (unless the app randomizes ports, as tests do);
/// otherwise each replica gets a free port when the app starts.
/// </summary>
public sealed class EndpointAnnotation(ExecutableResource resource, string name, string scheme, int? port)
{
    private int[]? _allocatedPorts;

    public ExecutableResource Resource { get; } = resource;

    public string Name { get; } = name;

    public string Scheme { get; } = scheme;

    public int? Port { get; } = port;

    public int GetPort(int replica = 0) =>
        _allocatedPorts?[replica] ?? throw new InvalidOperationException($"The ports of {Resource.Name} are allocated when the app starts.");

    public Uri GetUrl(int replica = 0) => new($"{Scheme}://localhost:{GetPort(replica)}");

    internal void Allocate(int[] ports) => _allocatedPorts = ports;
}
