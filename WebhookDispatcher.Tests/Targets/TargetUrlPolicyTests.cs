using System.Net;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Tests.Targets;

public class TargetUrlPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")] // cloud metadata
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    public void PrivateLoopbackAndLinkLocalAddresses_AreNotPublic(string address)
    {
        Assert.False(AddressClassifier.IsPublic(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("93.184.216.34")]
    [InlineData("2606:4700:4700::1111")]
    public void InternetAddresses_ArePublic(string address)
    {
        Assert.True(AddressClassifier.IsPublic(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:4000/webhook")]
    [InlineData("http://localhost/webhook")]
    [InlineData("http://[::1]/webhook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("https://10.0.0.5/hook")]
    public async Task PrivateTargets_AreRefused_UnlessAllowed(string url)
    {
        var problem = await new TargetUrlPolicy(allowPrivateTargets: false).CheckAsync(url);

        Assert.NotNull(problem);
        Assert.Null(await new TargetUrlPolicy(allowPrivateTargets: true).CheckAsync(url));
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("not a url", "absolute http or https")]
    [InlineData("/relative/path", "absolute http or https")]
    [InlineData("ftp://example.com/x", "absolute http or https")]
    [InlineData("javascript:alert(1)", "absolute http or https")]
    [InlineData("http://user:pass@example.com/hook", "credentials")]
    [InlineData("https://example.com/hook#frag", "fragment")]
    public async Task MalformedUrls_AreRefused_EvenWhenPrivateTargetsAreAllowed(string url, string expected)
    {
        var problem = await new TargetUrlPolicy(allowPrivateTargets: true).CheckAsync(url);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public async Task AnOverlongUrl_IsRefused()
    {
        var problem = await new TargetUrlPolicy(true).CheckAsync("https://example.com/" + new string('a', 3000));

        Assert.Contains("at most", problem);
    }
}
