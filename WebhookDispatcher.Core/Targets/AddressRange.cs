using System.Net;
using System.Net.Sockets;

namespace WebhookDispatcher.Core.Targets;

/// <summary>Where an IPv6 range carries an IPv4 address that decides where a packet really goes.</summary>
public enum EmbeddedIPv4
{
    /// <summary>The range is refused whole.</summary>
    None,

    /// <summary>The last 32 bits (IPv4-mapped, NAT64's /96 format): the address is judged as that IPv4 address.</summary>
    Last32Bits,

    /// <summary>6to4: bits 16-47 are the IPv4 address of the site's 6to4 router, which the packet is relayed to.</summary>
    SixToFour,

    /// <summary>Teredo: bits 32-63 are the server's IPv4 address and the last 32 bits, inverted, the client's; both are judged.</summary>
    Teredo,
}

/// <summary>
/// A CIDR block webhooks may not reach, with a name a merchant can read in the refusal and the reason it is refused.
/// A range with an <see cref="EmbeddedIPv4"/> is not refused itself: the IPv4 address it embeds is judged instead,
/// since that is where a translator or relay delivers the packet.
/// </summary>
public sealed record AddressRange(string Cidr, string Name, string Why, EmbeddedIPv4 Embedded = EmbeddedIPv4.None)
{
    private readonly byte[] _network = ParseNetwork(Cidr, out _);

    public int PrefixLength { get; } = ParsePrefixLength(Cidr);

    public AddressFamily Family => _network.Length == 4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;

    public bool Contains(IPAddress address)
    {
        if (address.AddressFamily != Family)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[_network.Length];
        address.TryWriteBytes(bytes, out _);
        var whole = PrefixLength / 8;
        if (!bytes[..whole].SequenceEqual(_network.AsSpan(0, whole)))
        {
            return false;
        }
        var rest = PrefixLength % 8;
        if (rest == 0)
        {
            return true;
        }
        var mask = (byte)(0xff << (8 - rest));
        return (bytes[whole] & mask) == (_network[whole] & mask);
    }

    /// <summary>The IPv4 addresses an address of this range hands its packets to (none for a range refused whole).</summary>
    public IReadOnlyList<IPAddress> EmbeddedAddresses(IPAddress address)
    {
        if (Embedded == EmbeddedIPv4.None || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return [];
        }
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        return Embedded switch
        {
            EmbeddedIPv4.Last32Bits => [new IPAddress(b[12..16])],
            EmbeddedIPv4.SixToFour => [new IPAddress(b[2..6])],
            EmbeddedIPv4.Teredo => [new IPAddress(b[4..8]), new IPAddress([(byte)~b[12], (byte)~b[13], (byte)~b[14], (byte)~b[15]])],
            _ => [],
        };
    }

    /// <summary>The first and last addresses of the range.</summary>
    public (IPAddress First, IPAddress Last) Bounds()
    {
        var first = (byte[])_network.Clone();
        var last = (byte[])_network.Clone();
        for (var bit = PrefixLength; bit < first.Length * 8; bit++)
        {
            var mask = (byte)(0x80 >> (bit % 8));
            first[bit / 8] &= (byte)~mask;
            last[bit / 8] |= mask;
        }
        return (new IPAddress(first), new IPAddress(last));
    }

    private static int ParsePrefixLength(string cidr)
    {
        ParseNetwork(cidr, out var prefixLength);
        return prefixLength;
    }

    private static byte[] ParseNetwork(string cidr, out int prefixLength)
    {
        var slash = cidr.IndexOf('/');
        var address = IPAddress.Parse(slash < 0 ? cidr : cidr[..slash]);
        var bytes = address.GetAddressBytes();
        prefixLength = slash < 0 ? bytes.Length * 8 : int.Parse(cidr[(slash + 1)..]);
        if (prefixLength < 0 || prefixLength > bytes.Length * 8)
        {
            throw new ArgumentException($"'{cidr}' has a prefix length out of range.", nameof(cidr));
        }
        return bytes;
    }
}
