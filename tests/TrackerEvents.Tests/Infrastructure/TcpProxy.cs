using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>
/// A TCP forwarder in front of a server (PostgreSQL) that a test can cut and restore: <see cref="Cut"/>
/// resets every connection and refuses new ones, exactly what a node sees when its database goes down,
/// without stopping a server other tests share.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _sockets = new();
    private TcpListener? _listener;
    private CancellationTokenSource _running = new();

    public TcpProxy(string targetHost, int targetPort)
    {
        _target = new IPEndPoint(Dns.GetHostAddresses(targetHost).First(a => a.AddressFamily == AddressFamily.InterNetwork), targetPort);
        Port = Listen(0);
    }

    public int Port { get; }

    /// <summary>Resets every forwarded connection and refuses new ones.</summary>
    public void Cut()
    {
        _running.Cancel();
        _listener?.Stop();
        foreach (var socket in _sockets.Keys)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0); // RST, as a dead server's host would answer
                socket.Close();
            }
            catch (ObjectDisposedException)
            {
                // its pump closed it meanwhile
            }
        }

        _sockets.Clear();
    }

    /// <summary>Accepts connections again, on the same port.</summary>
    public void Restore()
    {
        _running = new CancellationTokenSource();
        Listen(Port);
    }

    private int Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        var token = _running.Token;
        _ = Task.Run(() => AcceptAsync(listener, token));
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await server.ConnectAsync(_target, token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                client.Close();
                server.Dispose();
                continue;
            }

            _sockets[client] = 0;
            _sockets[server] = 0;
            _ = PumpAsync(client, server, token);
            _ = PumpAsync(server, client, token);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, CancellationToken token)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, token)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            from.Close();
            to.Close();
            _sockets.TryRemove(from, out _);
            _sockets.TryRemove(to, out _);
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        _running.Dispose();
        return ValueTask.CompletedTask;
    }
}
