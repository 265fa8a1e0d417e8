namespace WebhookDispatcher.Core.Targets;

/// <summary>
/// Every range a webhook may not reach, in one table: what is internal to us or to a cloud provider, what is not
/// routable on the internet, and the IPv6 ranges that carry an IPv4 address inside them (judged by that address, so
/// no translation or tunnel leads back to a private one). The most specific range holding an address decides,
/// whatever the order here; the unit tests hold an address of every entry (TargetRangeTests).
/// Sources: the IANA IPv4 and IPv6 Special-Purpose Address Registries, and each cloud's metadata documentation.
/// </summary>
public static class RefusedAddressRanges
{
    public static readonly IReadOnlyList<AddressRange> All =
    [
        // IPv4 (RFC 6890 and its successors)
        new("0.0.0.0/8", "\"this network\"", "0.0.0.0 reaches the sending host itself on most systems."),
        new("10.0.0.0/8", "private-use", "RFC 1918: our own networks."),
        new("100.64.0.0/10", "shared address space (carrier-grade NAT)", "RFC 6598: internal to a provider's network; clouds put services here."),
        new("127.0.0.0/8", "loopback", "The sending host itself."),
        new("169.254.0.0/16", "link-local", "RFC 3927: the host's own link, where every cloud puts its metadata and credentials services."),
        new("172.16.0.0/12", "private-use", "RFC 1918: our own networks."),
        new("192.0.0.0/24", "IETF protocol assignments", "RFC 6890: not routable on the internet."),
        new("192.0.2.0/24", "documentation (TEST-NET-1)", "RFC 5737: never a real host."),
        new("192.88.99.0/24", "6to4 relay anycast", "RFC 7526: deprecated; a relay hands the packet on to an address we can't see."),
        new("192.168.0.0/16", "private-use", "RFC 1918: our own networks."),
        new("198.18.0.0/15", "benchmarking", "RFC 2544: lab networks, not the internet."),
        new("198.51.100.0/24", "documentation (TEST-NET-2)", "RFC 5737: never a real host."),
        new("203.0.113.0/24", "documentation (TEST-NET-3)", "RFC 5737: never a real host."),
        new("224.0.0.0/4", "multicast", "RFC 5771: a group, never one merchant's receiver."),
        new("240.0.0.0/4", "reserved", "RFC 1112: not routable."),
        new("255.255.255.255/32", "limited broadcast", "RFC 919: every host on the local link."),

        // Cloud metadata and credentials services: most sit inside the ranges above and are named here so a refusal
        // says what was aimed at; Azure's host address is in public address space, so only this entry refuses it.
        new("169.254.169.254/32", "cloud instance metadata", "AWS, GCP, Azure, Oracle, DigitalOcean, Alibaba, Hetzner, OpenStack: instance metadata and credentials."),
        new("169.254.170.2/32", "AWS ECS task metadata", "Task credentials of Amazon ECS and Fargate."),
        new("169.254.170.23/32", "AWS EKS Pod Identity", "Pod credentials of Amazon EKS."),
        new("169.254.0.23/32", "Tencent Cloud metadata", "Tencent Cloud's instance metadata."),
        new("100.100.100.200/32", "Alibaba Cloud metadata", "Alibaba Cloud's instance metadata and RAM credentials."),
        new("192.0.0.192/32", "Oracle Cloud metadata", "Oracle Cloud Infrastructure's (classic) instance metadata."),
        new("168.63.129.16/32", "Azure host (WireServer)", "Azure's virtual host address: DHCP, DNS, health probes and the VM agent's configuration."),
        new("fd00:ec2::254/128", "AWS instance metadata (IPv6)", "Amazon EC2's IMDS on Nitro instances."),
        new("fd00:ec2::23/128", "AWS EKS Pod Identity (IPv6)", "Pod credentials of Amazon EKS."),
        new("fd20:ce::254/128", "GCP metadata (IPv6)", "Google Compute Engine's metadata server for IPv6-only instances."),

        // IPv6 (RFC 6890 and the IANA registry)
        new("::/128", "unspecified", "Reaches the sending host itself on most systems."),
        new("::1/128", "loopback", "The sending host itself."),
        new("::/96", "IPv4-compatible", "RFC 4291: deprecated; no receiver has one, and a host may route it to the embedded IPv4 address."),
        new("::ffff:0:0/96", "IPv4-mapped", "An IPv4 address in IPv6 form: judged by that IPv4 address.", EmbeddedIPv4.Last32Bits),
        new("::ffff:0:0:0/96", "IPv4-translated", "RFC 2765: local stateless translation, not a receiver's address."),
        new("64:ff9b::/96", "NAT64 well-known prefix", "RFC 6052: a NAT64 gateway delivers it to the embedded IPv4 address, which is judged.", EmbeddedIPv4.Last32Bits),
        new("64:ff9b:1::/48", "NAT64 local-use prefix", "RFC 8215: the operator picks where the IPv4 address sits, so it can't be read back; refused whole."),
        new("100::/64", "discard-only", "RFC 6666: black-holed by design."),
        new("2001::/23", "IETF protocol assignments", "RFC 2928: not a receiver's address."),
        new("2001::/32", "Teredo", "RFC 4380: tunnelled over IPv4 to the embedded server and client addresses, which are judged.", EmbeddedIPv4.Teredo),
        new("2001:2::/48", "benchmarking", "RFC 5180: lab networks, not the internet."),
        new("2001:db8::/32", "documentation", "RFC 3849: never a real host."),
        new("2002::/16", "6to4", "RFC 3056: relayed over IPv4 to the embedded router address, which is judged.", EmbeddedIPv4.SixToFour),
        new("3fff::/20", "documentation", "RFC 9637: never a real host."),
        new("fc00::/7", "unique local", "RFC 4193: private networks, as 10/8 is (AWS and GCP put metadata here)."),
        new("fe80::/10", "link-local", "The host's own link."),
        new("fec0::/10", "site-local", "RFC 3879: deprecated private addressing."),
        new("ff00::/8", "multicast", "A group, never one merchant's receiver."),

        // Global unicast is 2000::/3; IANA has assigned nothing routable outside it.
        new("::/3", "outside IPv6 global unicast", "Not assigned for use on the internet."),
        new("4000::/2", "outside IPv6 global unicast", "Not assigned for use on the internet."),
        new("8000::/1", "outside IPv6 global unicast", "Not assigned for use on the internet."),
    ];
}
