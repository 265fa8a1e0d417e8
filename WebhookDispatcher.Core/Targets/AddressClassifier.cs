using System.Net;
using System.Net.Sockets;

namespace WebhookDispatcher.Core.Targets;

/// <summary>
/// Tells addresses a webhook may reach from those it must not: loopback, private (RFC 1918, unique local),
/// link-local (cloud metadata lives at 169.254.169.254), carrier-grade NAT, unspecified and multicast.
/// Sending there would let anyone who registers an endpoint probe the inside of our network (SSRF).
/// </summary>
public static class AddressClassifier
{
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.None) || address.Equals(IPAddress.IPv6None))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return !(b[0] == 0                                   // 0.0.0.0/8 "this network"
                || b[0] == 10                                    // 10.0.0.0/8
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)    // 100.64.0.0/10 carrier-grade NAT
                || b[0] == 127                                   // loopback
                || (b[0] == 169 && b[1] == 254)                  // link-local, cloud metadata
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)     // 172.16.0.0/12
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)       // 192.0.0.0/24 protocol assignments
                || (b[0] == 192 && b[1] == 168)                  // 192.168.0.0/16
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19))   // 198.18.0.0/15 benchmarking
                || b[0] >= 224);                                 // multicast and reserved
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> b = stackalloc byte[16];
            address.TryWriteBytes(b, out _);
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xfe) == 0xfc);                       // fc00::/7 unique local
        }
        return false;
    }
}
