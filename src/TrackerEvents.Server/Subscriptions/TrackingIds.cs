using System.Security.Cryptography;
using System.Text;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// Atmosphere tracking ids, which are bearer secrets (with the client's address they name a client and its
/// stream): made from 122 bits of a CSPRNG in the UUID form atmosphere.js expects, and never written to a log
/// in full: logs carry a short tag that names the client without revealing the id.
/// </summary>
internal static class TrackingIds
{
    /// <summary>A new id: a version-4 UUID whose random bits come from <see cref="RandomNumberGenerator"/>.</summary>
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true).ToString();
    }

    /// <summary>The id in a log: the first 8 hex digits of its SHA-256.</summary>
    public static string Tag(string trackingId)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(trackingId), digest);
        return Convert.ToHexStringLower(digest[..4]);
    }
}
