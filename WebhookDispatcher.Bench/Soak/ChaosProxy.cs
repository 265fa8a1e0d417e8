using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace WebhookDispatcher.Bench.Soak;

/// <summary>
/// A TCP forwarder between the Workers and the MockReceiver, so the soak can make the merchant refuse connections
/// (the listener closes, connections in progress are cut) while the MockReceiver itself keeps running and keeps
/// counting what it accepted.
/// </summary>
public sealed class ChaosProxy : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private readonly int _port = Hosting.NativeProcess.FreePort();
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;
    private IPEndPoint? _upstream;

    public Uri Url => new($"http://127.0.0.1:{_port}");

    public bool Refusing => _listener is null;

    public void SetUpstream(Uri upstream) => _upstream = new IPEndPoint(IPAddress.Loopback, upstream.Port);

    /// <summary>Listens and forwards.</summary>
    public void Accept()
    {
        if (_listener is not null)
        {
            return;
        }
        var listener = new TcpListener(IPAddress.Loopback, _port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start(512);
        _listener = listener;
        _accepting = AcceptLoopAsync(listener);
    }

    /// <summary>Stops listening (new connections are refused) and cuts every connection in progress.</summary>
    public async Task RefuseAsync()
    {
        if (_listener is not { } listener)
        {
            return;
        }
        _listener = null;
        listener.Stop();
        await _accepting;
        foreach (var socket in _connections.Keys)
        {
            Close(socket);
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                // Stopped (refusing), possibly before this loop first asked for a connection.
                return;
            }
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        _connections[client] = 0;
        _connections[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(_upstream ?? throw new InvalidOperationException("No upstream."), _stop.Token);
            var up = PumpAsync(client, upstream);
            var down = PumpAsync(upstream, client);
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            Close(client);
            Close(upstream);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    return;
                }
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private void Close(Socket socket)
    {
        if (_connections.TryRemove(socket, out _))
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await RefuseAsync();
        await _stop.CancelAsync();
        _stop.Dispose();
    }
}
