using System.Net.WebSockets;

namespace TrackerEvents.Connections;

/// <summary>The send side: a loop on the thread pool that runs only while the client's outbox holds something for this socket.</summary>
internal sealed partial class WebSocketTransport
{
    public void OnDataAvailable()
    {
        if (Interlocked.Exchange(ref _sending, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static transport => transport._sendLoop = transport.SendLoopAsync(), this, preferLocal: false);
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                while (_closeReason is null && _client.TryTake(this, out var payload))
                {
                    _sendStarted = _registry.Time.GetTimestamp();
                    await _socket.SendAsync(payload.For(TrackMessageSize), WebSocketMessageType.Text, endOfMessage: true, _stopping);
                    _lastWrite = _registry.Time.GetTimestamp();
                    _sendStarted = 0;
                    _messagesSent++;
                    _registry.CountSent(1);
                }

                if (_closeReason is { } reason && !_closeSent)
                {
                    _closeSent = true;
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, reason, _stopping);
                }

                Volatile.Write(ref _sending, 0);
                // HasPendingFor, not "the outbox is not empty": after a drop the retained client keeps
                // collecting states that TryTake no longer hands to this transport, and this loop spun on
                // them at full speed (one thread per dropped slow consumer) until the retention ended.
                var more = _closeReason is null ? _client.HasPendingFor(this) : !_closeSent;
                if (!more || Interlocked.Exchange(ref _sending, 1) == 1)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            _sendStarted = 0;
            Abort("send failed: " + e.Message);
        }
    }
}
