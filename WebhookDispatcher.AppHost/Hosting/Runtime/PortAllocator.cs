using System.Net;
using System.Net.Sockets;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>Free loopback ports, and whether a fixed one is free, so a clash is reported before anything starts.</summary>
internal static class PortAllocator
{
    public static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
