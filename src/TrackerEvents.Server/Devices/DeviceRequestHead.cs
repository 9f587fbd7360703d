namespace TrackerEvents.Devices;

/// <summary>
/// What the device listener needs of one HTTP/1.1 request's head (<see cref="DeviceRequestParser"/>): where
/// its query is in the bytes read, how its body is framed, and how the connection goes on. Nothing of it is
/// a string but a forwarded address, so that a connection keeps nothing of a request once it is answered.
/// </summary>
internal struct DeviceRequestHead
{
    /// <summary>Bytes of the head, the blank line included: the body starts here.</summary>
    public int Length;

    public DeviceMethod Method;

    /// <summary>True when the target's path is <c>/</c> (the one path devices report to).</summary>
    public bool AtRoot;

    /// <summary>Where the query (after <c>?</c>) starts in the head, and its length; 0 when there is none.</summary>
    public int QueryStart, QueryLength;

    /// <summary><c>Content-Length</c>; -1 when absent.</summary>
    public long ContentLength;

    /// <summary><c>Transfer-Encoding: chunked</c>.</summary>
    public bool Chunked;

    /// <summary><c>Content-Type: application/json…</c>.</summary>
    public bool Json;

    /// <summary><c>Connection: close</c>.</summary>
    public bool Close;

    /// <summary><c>Connection: keep-alive</c> (what an HTTP/1.0 client sends to keep its connection).</summary>
    public bool KeepAliveAsked;

    /// <summary>HTTP/1.0: the connection closes after the answer unless it asked to be kept.</summary>
    public bool Http10;

    /// <summary><c>Expect: 100-continue</c>: the client waits for an interim answer before it sends the body.</summary>
    public bool ExpectContinue;

    /// <summary>The last <c>X-Forwarded-For</c> header's value, when there is one.</summary>
    public string? ForwardedFor;

    public readonly bool HasBody => Chunked || ContentLength > 0;

    /// <summary>The connection stays open after the answer: HTTP/1.1 without <c>Connection: close</c>, or HTTP/1.0 with <c>keep-alive</c>.</summary>
    public readonly bool KeepAlive => !Close && (!Http10 || KeepAliveAsked);
}

internal enum DeviceMethod
{
    Other,
    Get,
    Post,
}
