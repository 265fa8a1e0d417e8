namespace WebhookDispatcher.Bench.Hosting;

/// <summary>Small process helpers: free ports.</summary>
internal static class NativeProcess
{
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
