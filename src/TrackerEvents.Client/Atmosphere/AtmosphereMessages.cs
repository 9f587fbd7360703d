namespace TrackerEvents.Client.Atmosphere;

/// <summary>
/// Splitting a body written with message length tracking (<c>&lt;UTF-16 length&gt;|&lt;message&gt;</c>, several in one
/// body on long-polling), and telling heartbeats and padding from messages.
/// </summary>
internal static class AtmosphereMessages
{
    /// <summary>
    /// The messages of a length-tracked body, in order. Whitespace around a length is tolerated (servers pad
    /// held polls); text that is not length-prefixed at all is one message. A message cut off at the end of the
    /// body is kept in <paramref name="partial"/> for the next body.
    /// </summary>
    public static List<string> SplitTracked(string body, ref string partial)
    {
        var text = partial + body;
        partial = "";
        var messages = new List<string>();
        var position = 0;
        while (position < text.Length)
        {
            var bar = text.IndexOf('|', position);
            if (bar < 0 || !int.TryParse(text.AsSpan(position, bar - position).Trim(), out var length) || length < 0)
            {
                if (!string.IsNullOrWhiteSpace(text[position..]))
                {
                    messages.Add(text[position..]);
                }

                return messages;
            }

            if (bar + 1 + length > text.Length)
            {
                partial = text[position..];
                return messages;
            }

            messages.Add(text.Substring(bar + 1, length));
            position = bar + 1 + length;
        }

        return messages;
    }

    /// <summary>A heartbeat (the padding, <c>X</c>) or whitespace: nothing for the application.</summary>
    public static bool IsHeartbeatOrBlank(ReadOnlySpan<byte> message, string padding)
    {
        var trimmed = message.Trim(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            return true;
        }

        if (trimmed.Length != padding.Length)
        {
            return false;
        }

        for (var i = 0; i < trimmed.Length; i++)
        {
            if (trimmed[i] != padding[i])
            {
                return false;
            }
        }

        return true;
    }
}
