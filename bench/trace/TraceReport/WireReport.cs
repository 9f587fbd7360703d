using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace TraceReport;

/// <summary>
/// A packet capture of a run over loopback (tcpdump's pcap file; bench/README.md, "On the wire"): for each ingest
/// request, when the packets it set off crossed the wire — the request, the write's first packet to PostgreSQL, the
/// first notification PostgreSQL sent a listener, the WebSocket frames to the viewers, the request's answer — and
/// the p50 and mean of each step. With a snap length that keeps the stamps (<c>bench_ts</c>, ~600 bytes), also
/// each frame's time on the wire less its stamp: the driver's latency without the client's own reading.
/// </summary>
internal static class WireReport
{
    private static readonly byte[] IngestRequest = Encoding.ASCII.GetBytes("POST /ingest/states ");
    private static readonly byte[] RequestStamp = Encoding.ASCII.GetBytes("\"bench_ts\":\"");
    private static readonly byte[] FrameStamp = Encoding.ASCII.GetBytes("\"bench_ts\":{\"value\":\"");

    public static void Print(string capture, int httpPort, int wsPort, int pgPort)
    {
        var packets = Read(capture);
        var requests = Enumerable.Range(0, packets.Count)
            .Where(i => packets[i].To == httpPort && packets[i].Head.AsSpan().StartsWith(IngestRequest)).ToList();
        var steps = new Dictionary<string, List<double>>();
        void Add(string step, double fromSeconds, double toSeconds) =>
            (steps.TryGetValue(step, out var list) ? list : steps[step] = []).Add((toSeconds - fromSeconds) * 1000);

        var onWire = new List<double>();
        var complete = 0;
        for (var r = 0; r < requests.Count; r++)
        {
            var request = packets[requests[r]];
            var end = r + 1 < requests.Count ? requests[r + 1] : packets.Count;
            var write = Find(packets, requests[r], end, p => p.To == pgPort && p.Length >= 1024);
            var notified = write < 0 ? -1 : Find(packets, write, end, p => p.From == pgPort && p.Head is [(byte)'A', ..]);
            var answer = Find(packets, requests[r], end, p => p.From == httpPort && p.To == request.From);
            var frames = new List<double>();
            for (var i = Math.Max(notified, 0); notified >= 0 && i < end; i++)
            {
                if (packets[i] is { Head: [0x81, ..], Length: > 100 } frame && frame.From == wsPort)
                {
                    frames.Add(frame.At);
                    if (Stamp(frame.Head, FrameStamp) is { } frameStamp)
                    {
                        onWire.Add(frame.At * 1000 - frameStamp);
                    }
                }
            }

            if (Stamp(request.Head, RequestStamp) is { } stamp)
            {
                Add("stamp -> request on the wire", stamp / 1000, request.At);
            }

            if (answer >= 0)
            {
                Add("request -> its answer", request.At, packets[answer].At);
            }

            if (write < 0 || notified < 0 || frames.Count == 0)
            {
                continue;
            }

            complete++;
            Add("request -> the write's first packet to PostgreSQL", request.At, packets[write].At);
            Add("the write -> first notification to a listener", packets[write].At, packets[notified].At);
            Add("notification -> first frame", packets[notified].At, frames[0]);
            Add("first frame -> the request's median frame", frames[0], frames[frames.Count / 2]);
            Add("first frame -> last frame", frames[0], frames[^1]);
            Add("request -> the request's median frame", request.At, frames[frames.Count / 2]);
        }

        Console.WriteLine($"{requests.Count} ingest requests, {complete} with a write, a notification and frames");
        Console.WriteLine($"{"step",-52} {"p50 ms",8} {"mean ms",8} {"n",7}");
        foreach (var (step, values) in steps)
        {
            Row(step, values);
        }

        if (onWire.Count > 0)
        {
            Row("frame on the wire - its stamp", onWire);
        }
    }

    private static void Row(string step, List<double> values)
    {
        values.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{step,-52} {values[values.Count / 2],8:F3} {values.Average(),8:F3} {values.Count,7}"));
    }

    private static int Find(List<Packet> packets, int from, int end, Func<Packet, bool> match)
    {
        for (var i = from + 1; i < end; i++)
        {
            if (match(packets[i]))
            {
                return i;
            }
        }

        return -1;
    }

    // The stamp after the marker, in ms since the epoch, if the captured bytes hold it whole.
    private static double? Stamp(byte[] head, byte[] marker)
    {
        var at = head.AsSpan().IndexOf(marker);
        if (at < 0)
        {
            return null;
        }

        var digits = head.AsSpan(at + marker.Length);
        var quote = digits.IndexOf((byte)'"');
        return quote > 0 && double.TryParse(Encoding.ASCII.GetString(digits[..quote]), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms)
            ? ms : null;
    }

    // The TCP segments with a payload, in capture order: libpcap's file format, little-endian, micro- or nanoseconds;
    // Ethernet (tcpdump -i lo), Linux cooked (-i any) or null link layers; IPv4.
    private static List<Packet> Read(string path)
    {
        var file = File.ReadAllBytes(path);
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        if (magic is not (0xa1b2c3d4 or 0xa1b23c4d))
        {
            throw new InvalidDataException($"{path}: not a little-endian pcap file (pcapng is not read: tcpdump -w writes pcap)");
        }

        var perSecond = magic == 0xa1b23c4d ? 1e9 : 1e6;
        var linkHeader = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20)) switch
        {
            0 => 4,
            1 => 14,
            113 => 16,
            var other => throw new InvalidDataException($"{path}: link type {other} is not read"),
        };
        var packets = new List<Packet>();
        for (var at = 24; at + 16 <= file.Length;)
        {
            var seconds = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at));
            var fraction = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 4));
            var captured = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8));
            var data = file.AsSpan(at + 16, Math.Min(captured, file.Length - at - 16));
            at += 16 + captured;
            if (data.Length < linkHeader + 40 || data[linkHeader] >> 4 != 4 || data[linkHeader + 9] != 6)
            {
                continue; // too short, not IPv4, not TCP
            }

            var ip = data[linkHeader..];
            var ipLength = (ip[0] & 15) * 4;
            var tcp = ip[ipLength..];
            var tcpLength = (tcp[12] >> 4) * 4;
            var payload = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]) - ipLength - tcpLength;
            if (payload > 0 && tcp.Length >= tcpLength)
            {
                packets.Add(new Packet(seconds + fraction / perSecond, BinaryPrimitives.ReadUInt16BigEndian(tcp),
                    BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]), tcp[tcpLength..].ToArray(), payload));
            }
        }

        return packets;
    }

    private sealed record Packet(double At, int From, int To, byte[] Head, int Length);
}
