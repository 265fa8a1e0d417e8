namespace WebhookDispatcher.Tests.Targets;

/// <summary>
/// One literal address in every refused range, written by hand (not derived from the table, so a wrong CIDR in the
/// table fails), with the range expected to refuse it: for an address that embeds an IPv4 address, the range of
/// the embedded one.
/// </summary>
public static class RefusedAddressExamples
{
    public static readonly IReadOnlyList<(string Address, string RefusedBy)> OnePerRange =
    [
        ("0.1.2.3", "0.0.0.0/8"),
        ("10.1.2.3", "10.0.0.0/8"),
        ("100.64.0.1", "100.64.0.0/10"),
        ("127.0.0.1", "127.0.0.0/8"),
        ("169.254.1.1", "169.254.0.0/16"),
        ("172.16.0.1", "172.16.0.0/12"),
        ("192.0.0.8", "192.0.0.0/24"),
        ("192.0.2.1", "192.0.2.0/24"),
        ("192.88.99.1", "192.88.99.0/24"),
        ("192.168.1.1", "192.168.0.0/16"),
        ("198.19.255.1", "198.18.0.0/15"),
        ("198.51.100.7", "198.51.100.0/24"),
        ("203.0.113.9", "203.0.113.0/24"),
        ("239.255.255.250", "224.0.0.0/4"),
        ("240.0.0.1", "240.0.0.0/4"),
        ("255.255.255.255", "255.255.255.255/32"),
        ("169.254.169.254", "169.254.169.254/32"),
        ("169.254.170.2", "169.254.170.2/32"),
        ("169.254.170.23", "169.254.170.23/32"),
        ("169.254.0.23", "169.254.0.23/32"),
        ("100.100.100.200", "100.100.100.200/32"),
        ("192.0.0.192", "192.0.0.192/32"),
        ("168.63.129.16", "168.63.129.16/32"),
        ("fd00:ec2::254", "fd00:ec2::254/128"),
        ("fd00:ec2::23", "fd00:ec2::23/128"),
        ("fd20:ce::254", "fd20:ce::254/128"),
        ("::", "::/128"),
        ("::1", "::1/128"),
        ("::808:808", "::/96"),                                   // IPv4-compatible 8.8.8.8: refused whole
        ("::ffff:10.0.0.1", "10.0.0.0/8"),                         // IPv4-mapped, judged by 10.0.0.1
        ("::ffff:0:808:808", "::ffff:0:0:0/96"),                   // IPv4-translated
        ("64:ff9b::a9fe:a9fe", "169.254.169.254/32"),              // NAT64 of the metadata address
        ("64:ff9b:1::808:808", "64:ff9b:1::/48"),                  // NAT64 local-use: refused whole
        ("100::1", "100::/64"),
        ("2001:1::1", "2001::/23"),
        ("2001:0:a00:1:8000:63bf:f7f7:f7f7", "10.0.0.0/8"),        // Teredo: server 10.0.0.1, client 8.8.8.8
        ("2001:0:4136:e378:8000:63bf:3f57:fefe", "192.168.0.0/16"), // Teredo: server 65.54.227.120, client 192.168.1.1
        ("2001:2::1", "2001:2::/48"),
        ("2001:db8::1", "2001:db8::/32"),
        ("2002:c0a8:101::1", "192.168.0.0/16"),                    // 6to4 of 192.168.1.1
        ("2002:a9fe:a9fe::1", "169.254.169.254/32"),               // 6to4 of the metadata address
        ("3fff::1", "3fff::/20"),
        ("fd12:3456::1", "fc00::/7"),
        ("fe80::1", "fe80::/10"),
        ("fec0::1", "fec0::/10"),
        ("ff02::1", "ff00::/8"),
        ("1000::1", "::/3"),
        ("5f00::1", "4000::/2"),
        ("8000::1", "8000::/1"),
    ];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (address, refusedBy) in OnePerRange)
        {
            data.Add(address, refusedBy);
        }
        return data;
    }

    /// <summary>The address as a URL host: IPv6 in brackets.</summary>
    public static string Host(string address) => address.Contains(':') ? $"[{address}]" : address;
}
