using System.Text;
using TrackerEvents.Devices;

namespace TrackerEvents.Tests.Units;

/// <summary>The device listener's HTTP/1.1 head and chunked-body readers: bytes in, what frames the request (or its error) out.</summary>
public sealed class DeviceRequestParserTests
{
    private static DeviceRequestParser.Result Parse(string text, out DeviceRequestHead head, out DeviceAnswer error, int maxLine = 8192) =>
        DeviceRequestParser.Parse(Encoding.Latin1.GetBytes(text), maxLine, maxHeaders: 1024, maxCount: 10, out head, out error);

    private static DeviceRequestHead Complete(string text)
    {
        Parse(text, out var head, out var error).Should().Be(DeviceRequestParser.Result.Complete, error.Text);
        return head;
    }

    private static DeviceAnswer Invalid(string text, int maxLine = 8192)
    {
        Parse(text, out _, out var error, maxLine).Should().Be(DeviceRequestParser.Result.Invalid);
        error.Close.Should().BeTrue("a request the parser refuses leaves the connection in an unknown state");
        return error;
    }

    [Fact]
    public void TheOsmAndGet_ItsQueryAndFraming()
    {
        const string request = "GET /?id=42&lat=52.1&lon=4.3 HTTP/1.1\r\nHost: h:5055\r\nUser-Agent: OsmAnd\r\n\r\nnext";

        var head = Complete(request);

        head.Method.Should().Be(DeviceMethod.Get);
        head.AtRoot.Should().BeTrue();
        request.Substring(head.QueryStart, head.QueryLength).Should().Be("id=42&lat=52.1&lon=4.3");
        head.Length.Should().Be(request.IndexOf("next", StringComparison.Ordinal));
        (head.HasBody, head.KeepAlive, head.Json, head.ContentLength).Should().Be((false, true, false, -1L));
    }

    [Fact]
    public void TheJsonPost_AndHeaderNamesInAnyCase()
    {
        var head = Complete("POST / HTTP/1.1\r\ncontent-type: Application/JSON; charset=utf-8\r\nCONTENT-LENGTH: 17\r\nexpect: 100-continue\r\n\r\n");

        (head.Method, head.Json, head.ContentLength, head.HasBody, head.ExpectContinue, head.QueryLength).Should().Be((DeviceMethod.Post, true, 17L, true, true, 0));
    }

    [Theory]
    [InlineData("GET /?a=1 HTTP/1.1\r\nConnection: close\r\n\r\n", false, false)]
    [InlineData("GET /?a=1 HTTP/1.0\r\n\r\n", false, true)]
    [InlineData("GET /?a=1 HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true, true)]
    [InlineData("GET /?a=1 HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\n\r\n", true, false)]
    public void TheConnectionStaysOpen_AsTheVersionAndConnectionHeaderSay(string request, bool keepAlive, bool http10)
    {
        var head = Complete(request);

        (head.KeepAlive, head.Http10).Should().Be((keepAlive, http10));
    }

    [Theory]
    [InlineData("GET http://tracker.example:5055/?id=1 HTTP/1.1\r\n\r\n", true, "id=1")]
    [InlineData("GET http://tracker.example:5055 HTTP/1.1\r\n\r\n", true, "")]
    [InlineData("GET /track?id=1 HTTP/1.1\r\n\r\n", false, "id=1")]
    [InlineData("GET //?id=1 HTTP/1.1\r\n\r\n", false, "id=1")]
    public void TheTarget_InOriginOrAbsoluteForm(string request, bool atRoot, string query)
    {
        var head = Complete(request);

        head.AtRoot.Should().Be(atRoot);
        request.Substring(head.QueryStart, head.QueryLength).Should().Be(query);
    }

    [Fact]
    public void AnUnfinishedHead_IsIncomplete_NotAnError()
    {
        Parse("GET /?id=1 HTTP/1.1\r\nHost: a\r\n", out _, out _).Should().Be(DeviceRequestParser.Result.Incomplete);
        Parse("GET /?id=1 HT", out _, out _).Should().Be(DeviceRequestParser.Result.Incomplete);
    }

    [Theory]
    [InlineData("GET /?id=1 HTTP/1.1\nHost: a\n\n", 400, "the request line must end in CRLF")]
    [InlineData("GET /?id=1 HTTP/1.1\r\nHost: a\n\r\n", 400, "header lines must end in CRLF")]
    [InlineData("GET /?id=1 HTTP/2.0\r\n\r\n", 505, "HTTP/1.1 or HTTP/1.0 only")]
    [InlineData("GET  /?id=1 HTTP/1.1\r\n\r\n", 400, "malformed request line (the target must be ASCII, percent-encoded)")]
    [InlineData("GET /?id=1\r\n\r\n", 400, "malformed request line")]
    [InlineData("G(T /?id=1 HTTP/1.1\r\n\r\n", 400, "malformed request line (the target must be ASCII, percent-encoded)")]
    [InlineData("GET /?id=\u00e91 HTTP/1.1\r\n\r\n", 400, "malformed request line (the target must be ASCII, percent-encoded)")]
    [InlineData("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "malformed header line")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n", 400, "folded header lines are not accepted")]
    [InlineData("GET / HTTP/1.1\r\nX: a\u0001b\r\n\r\n", 400, "control characters in a header value")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 400, "Content-Length must be one number")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400, "Content-Length must be one number")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", 400, "Content-Length must be one number")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", 400, "Content-Length must be one number")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "only Transfer-Encoding: chunked is accepted")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400, "Content-Length and Transfer-Encoding together")]
    public void AHeadThatBreaksTheRules_IsAnsweredWithItsReason(string request, int status, string reason)
    {
        var error = Invalid(request);

        (error.Status, error.Text).Should().Be((status, reason));
    }

    [Fact]
    public void Limits_OnTheRequestLine_TheHeadersAndTheirNumber()
    {
        Invalid($"GET /?id={new string('1', 100)} HTTP/1.1\r\n\r\n", maxLine: 64).Should().Be(new DeviceAnswer(414, "the request line is longer than 64 bytes", true));
        Invalid($"GET / HTTP/1.1\r\nX: {new string('x', 1100)}\r\n\r\n").Should().Be(new DeviceAnswer(431, "the headers are larger than 1024 bytes", true));
        Invalid($"GET / HTTP/1.1\r\nX: {new string('x', 1100)}").Status.Should().Be(431, "too large before its end arrived");
        Invalid($"GET / HTTP/1.1\r\n{string.Concat(Enumerable.Repeat("X: y\r\n", 11))}\r\n").Should().Be(new DeviceAnswer(431, "more than 10 headers", true));
    }

    [Theory]
    [InlineData("5\r\nhello\r\n0\r\n\r\n", "hello")]
    [InlineData("5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n", "hello world")]
    [InlineData("A\r\n0123456789\r\n0\r\n\r\n", "0123456789")]
    public void AChunkedBody_ByteByByteOrWhole_DecodesTheSame(string raw, string body)
    {
        Decode(Encoding.ASCII.GetBytes(raw), whole: true).Should().Be((ChunkedBody.Result.Done, body));
        Decode(Encoding.ASCII.GetBytes(raw), whole: false).Should().Be((ChunkedBody.Result.Done, body));
    }

    [Theory]
    [InlineData("5\r\nhelloX\r\n0\r\n\r\n", "Invalid")]
    [InlineData("zz\r\nhello\r\n", "Invalid")]
    [InlineData("5\nhello\r\n", "Invalid")]
    [InlineData("11\r\n", "TooLarge")]
    [InlineData("8\r\n12345678\r\n9\r\n", "TooLarge")]
    [InlineData("5\r\nhel", "NeedMore")]
    public void AChunkedBody_Malformed_TooLarge_OrUnfinished(string raw, string expected)
    {
        Decode(Encoding.ASCII.GetBytes(raw), whole: true).Result.ToString().Should().Be(expected);
    }

    /// <summary>Feeds the decoder as the connection does: what it did not consume is given again with more after it.</summary>
    private static (ChunkedBody.Result Result, string Body) Decode(byte[] raw, bool whole, int max = 16)
    {
        var chunked = new ChunkedBody(max);
        var body = new byte[max];
        var pending = new List<byte>();
        var result = ChunkedBody.Result.NeedMore;
        foreach (var piece in whole ? [raw] : raw.Select(b => new[] { b }))
        {
            pending.AddRange(piece);
            result = chunked.Read(pending.ToArray(), body, out var consumed);
            pending.RemoveRange(0, consumed);
            if (result != ChunkedBody.Result.NeedMore)
            {
                break;
            }
        }

        return (result, Encoding.ASCII.GetString(body, 0, chunked.Length));
    }
}
