using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using TrackerEvents.Messages;
using TrackerEvents.Protocol;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>
/// The receive side of a WebSocket: assembles each message (up to <see cref="AtmosphereOptions.MaxMessageBytes"/>),
/// answers a binary or oversized one with an error, swallows heartbeats, and hands every other text message
/// to the <see cref="ActionHandler"/>. A bad message never ends the connection.
/// </summary>
internal sealed class WebSocketReader(WebSocket socket, AtmosphereClient client, TransportServices services)
{
    private const int ReceiveChunk = 1024;

    /// <summary>Reads until the client closes; returns how it closed.</summary>
    public async Task<Disconnect> RunAsync()
    {
        var chunk = ArrayPool<byte>.Shared.Rent(ReceiveChunk);
        var message = new ArrayBufferWriter<byte>(ReceiveChunk);
        var oversized = false;
        var max = services.Options.MaxMessageBytes;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(chunk.AsMemory(), services.Stopped);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return Disconnect.ClientClosed((int?)socket.CloseStatus, socket.CloseStatusDescription);
                }

                if (message.WrittenCount + result.Count > max)
                {
                    oversized = true;
                }
                else
                {
                    message.Write(chunk.AsSpan(0, result.Count));
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (oversized)
                {
                    client.Send(EventFrames.Error("null", ApiError.TooLarge,
                        w => w.WriteString("reason", string.Create(CultureInfo.InvariantCulture, $"messages are limited to {max} bytes"))));
                }
                else if (result.MessageType == WebSocketMessageType.Binary)
                {
                    client.Send(EventFrames.Error("null", ApiError.WrongFormat, w => w.WriteString("reason", "binary messages are not understood: send JSON text")));
                }
                else if (AtmosphereFraming.Classify(Encoding.UTF8.GetString(message.WrittenSpan), out var text) == InboundKind.Message)
                {
                    await services.Actions.HandleAsync(client, text, services.Stopped);
                }

                message.ResetWrittenCount();
                oversized = false;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
