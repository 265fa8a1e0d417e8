using System.Net;
using System.Net.Sockets;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>The ports of the app's endpoints: fixed ones checked before anything starts, the others chosen free.</summary>
internal static class PortAllocator
{
    /// <summary>
    /// Gives every endpoint its ports: a fixed one is kept (and must be free), unless <paramref name="randomize"/>;
    /// every other gets a free port per replica, never one another endpoint already has.
    /// </summary>
    public static void AllocateEndpoints(IEnumerable<ExecutableResource> resources, bool randomize)
    {
        var taken = new HashSet<int>();
        foreach (var endpoint in resources.SelectMany(r => r.Endpoints))
        {
            var replicas = endpoint.Resource.Replicas;
            if (endpoint.Port is { } port && !randomize)
            {
                if (replicas > 1)
                {
                    throw new DistributedApplicationException($"{endpoint.Resource.Name} has {replicas} replicas but one fixed port ({port}); leave the port out so each replica gets its own.");
                }
                EnsureFree(port, endpoint.Resource.Name);
                taken.Add(port);
                endpoint.Allocate([port]);
                continue;
            }
            var ports = new int[replicas];
            for (var replica = 0; replica < replicas; replica++)
            {
                do
                {
                    ports[replica] = GetFreePort();
                }
                while (!taken.Add(ports[replica]));
            }
            endpoint.Allocate(ports);
        }
    }

    /// <summary>Fails the start with one line that says which port is taken and how to find by whom.</summary>
    public static void EnsureFree(int port, string what)
    {
        if (!IsFree(port))
        {
            throw new DistributedApplicationException(
                $"Port {port}, for {what}, is in use. Stop what listens there (see: ss -ltnp 'sport = :{port}'), then start again.");
        }
    }

    public static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether something accepts connections on the port (the dashboard's OTLP receiver, once it has started).</summary>
    public static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
