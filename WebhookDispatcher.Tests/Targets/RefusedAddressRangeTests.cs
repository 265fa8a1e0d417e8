using System.Net;
using System.Numerics;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Tests.Targets;

/// <summary>The SSRF guard's table: an address in every range refused, each range's edges exact, the internet allowed.</summary>
public class RefusedAddressRangeTests
{
    public static TheoryData<string, string> OnePerRange() => RefusedAddressExamples.Cases();

    public static TheoryData<string> EveryRange()
    {
        var data = new TheoryData<string>();
        foreach (var range in RefusedAddressRanges.All)
        {
            data.Add(range.Cidr);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(OnePerRange))]
    public void AnAddressInEachRange_IsRefused_ByThatRange(string address, string refusedBy)
    {
        var range = AddressClassifier.RefusingRange(IPAddress.Parse(address));

        Assert.NotNull(range);
        Assert.Equal(refusedBy, range.Cidr);
        Assert.False(AddressClassifier.IsPublic(IPAddress.Parse(address)));
    }

    [Fact]
    public void EveryRangeInTheTable_HasAnExampleAddressItDecides()
    {
        var decided = RefusedAddressExamples.OnePerRange.Select(e => MostSpecific(IPAddress.Parse(e.Address))?.Cidr).ToHashSet();

        var undecided = RefusedAddressRanges.All.Select(r => r.Cidr).Where(cidr => !decided.Contains(cidr)).ToList();

        Assert.True(undecided.Count == 0, $"no example address for {string.Join(", ", undecided)}");
    }

    [Fact]
    public void NoRangeIsListedTwice()
    {
        Assert.Equal(RefusedAddressRanges.All.Count, RefusedAddressRanges.All.Select(r => r.Cidr).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(EveryRange))]
    public void TheFirstAndLastAddressOfEachRange_AreRefused(string cidr)
    {
        var range = RefusedAddressRanges.All.Single(r => r.Cidr == cidr);
        var (first, last) = range.Bounds();

        Assert.True(range.Contains(first));
        Assert.True(range.Contains(last));
        // Embedding ranges too: their first embeds 0.0.0.0 (or ::), their last 255.255.255.255.
        Assert.NotNull(AddressClassifier.RefusingRange(first));
        Assert.NotNull(AddressClassifier.RefusingRange(last));
    }

    [Theory]
    [MemberData(nameof(EveryRange))]
    public void TheAddressesJustOutsideEachRange_AreNotInIt(string cidr)
    {
        var range = RefusedAddressRanges.All.Single(r => r.Cidr == cidr);
        var (first, last) = range.Bounds();
        var size = first.GetAddressBytes().Length;

        if (Offset(first, -1, size) is { } before)
        {
            Assert.False(range.Contains(before), $"{before} is before {cidr}");
            Assert.NotEqual(cidr, MostSpecific(before)?.Cidr);
        }
        if (Offset(last, +1, size) is { } after)
        {
            Assert.False(range.Contains(after), $"{after} is after {cidr}");
            Assert.NotEqual(cidr, MostSpecific(after)?.Cidr);
        }
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]          // just past 172.16.0.0/12
    [InlineData("100.128.0.1")]         // just past 100.64.0.0/10
    [InlineData("168.63.129.17")]       // beside Azure's host address
    [InlineData("169.255.0.1")]         // just past link-local
    [InlineData("223.255.255.254")]     // just below multicast
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2a00:1450:4001:81c::200e")]
    [InlineData("2001:200::1")]         // just past 2001::/23: APNIC
    [InlineData("64:ff9b::808:808")]    // NAT64 of 8.8.8.8
    [InlineData("2002:808:808::1")]     // 6to4 of 8.8.8.8
    [InlineData("2001:0:4136:e378:8000:63bf:f7f7:f7f7")] // Teredo: server 65.54.227.120, client 8.8.8.8
    [InlineData("::ffff:8.8.8.8")]      // IPv4-mapped 8.8.8.8
    public void OrdinaryInternetAddresses_OfBothFamilies_AreAllowed(string address)
    {
        Assert.True(AddressClassifier.IsPublic(IPAddress.Parse(address)), $"{address} refused by {AddressClassifier.RefusingRange(IPAddress.Parse(address))?.Cidr}");
    }

    [Fact]
    public void Teredo_IsJudgedByTheInvertedClientAddress_AndTheServerAddress()
    {
        var teredo = RefusedAddressRanges.All.Single(r => r.Embedded == EmbeddedIPv4.Teredo);

        var embedded = teredo.EmbeddedAddresses(IPAddress.Parse("2001:0:4136:e378:8000:63bf:3f57:fefe"));

        Assert.Equal([IPAddress.Parse("65.54.227.120"), IPAddress.Parse("192.168.1.1")], embedded);
    }

    private static AddressRange? MostSpecific(IPAddress address) =>
        RefusedAddressRanges.All.Where(r => r.Contains(address)).MaxBy(r => r.PrefixLength);

    private static IPAddress? Offset(IPAddress address, int delta, int size)
    {
        var value = new BigInteger(address.GetAddressBytes(), isUnsigned: true, isBigEndian: true) + delta;
        if (value < 0 || value >= BigInteger.One << (size * 8))
        {
            return null;
        }
        var bytes = new byte[size];
        value.TryWriteBytes(bytes.AsSpan(size - value.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return new IPAddress(bytes);
    }
}
