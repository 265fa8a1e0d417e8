using System.Net;

namespace WebhookDispatcher.Core.Targets;

/// <summary>
/// Tells addresses a webhook may reach from those it must not (<see cref="RefusedAddressRanges"/>). Sending to an
/// internal address would let anyone who registers an endpoint probe the inside of our network or read a cloud's
/// credentials (SSRF), and sign the request with our secret as it goes.
/// </summary>
public static class AddressClassifier
{
    public static bool IsPublic(IPAddress address) => RefusingRange(address) is null;

    /// <summary>
    /// The range that refuses the address, or null when it is public. For an address that embeds an IPv4 address
    /// (IPv4-mapped, NAT64, 6to4, Teredo) this is the range refusing the embedded address.
    /// </summary>
    public static AddressRange? RefusingRange(IPAddress address)
    {
        AddressRange? mostSpecific = null;
        foreach (var range in RefusedAddressRanges.All)
        {
            if (range.Contains(address) && (mostSpecific is null || range.PrefixLength > mostSpecific.PrefixLength))
            {
                mostSpecific = range;
            }
        }
        if (mostSpecific is null || mostSpecific.Embedded == EmbeddedIPv4.None)
        {
            return mostSpecific;
        }
        foreach (var embedded in mostSpecific.EmbeddedAddresses(address))
        {
            if (RefusingRange(embedded) is { } refusing)
            {
                return refusing;
            }
        }
        return null;
    }
}
