using WebhookDispatcher.Core;
using WebhookDispatcher.Core.Targets;

namespace WebhookDispatcher.Tests.Targets;

/// <summary>Outside Development only https and the allowed ports; the refusal names the rule it breaks.</summary>
public class TargetRulesTests
{
    private static TargetUrlPolicy PolicyOutsideDevelopment(DispatcherOptions? options = null) =>
        new(TargetRules.From(options ?? new DispatcherOptions(), isDevelopment: false));

    [Fact]
    public void OutsideDevelopment_TheDefaults_AreHttpsOnly_On443And8443()
    {
        var rules = TargetRules.From(new DispatcherOptions(), isDevelopment: false);

        Assert.True(rules.RequireHttps);
        Assert.Equal([443, 8443], rules.AllowedPorts!.Order());
    }

    [Fact]
    public void InDevelopment_TheDefaults_AllowHttpAndAnyPort()
    {
        var rules = TargetRules.From(new DispatcherOptions(), isDevelopment: true);

        Assert.False(rules.RequireHttps);
        Assert.Null(rules.AllowedPorts);
    }

    [Fact]
    public void ExplicitSettings_WinOverTheEnvironmentsDefaults()
    {
        var rules = TargetRules.From(new DispatcherOptions { RequireHttps = true, AllowedPorts = [9443] }, isDevelopment: true);

        Assert.True(rules.RequireHttps);
        Assert.Equal([9443], rules.AllowedPorts!);
        Assert.False(TargetRules.From(new DispatcherOptions { RequireHttps = false }, isDevelopment: false).RequireHttps);
    }

    [Theory]
    [InlineData("http://example.com/hook")]
    [InlineData("http://example.com:443/hook")]
    public async Task AnHttpTarget_OutsideDevelopment_IsRefused_NamingRequireHttps(string url)
    {
        var problem = await PolicyOutsideDevelopment().CheckAsync(url);

        Assert.NotNull(problem);
        Assert.Contains("https", problem);
        Assert.Contains("Dispatcher:RequireHttps", problem);
    }

    [Theory]
    [InlineData("https://example.com:8080/hook", "8080")]
    [InlineData("https://example.com:22/hook", "22")]
    [InlineData("https://example.com:6379/hook", "6379")]
    public async Task AnotherPort_OutsideDevelopment_IsRefused_NamingAllowedPorts(string url, string port)
    {
        var problem = await PolicyOutsideDevelopment().CheckAsync(url);

        Assert.NotNull(problem);
        Assert.Contains("Dispatcher:AllowedPorts", problem);
        Assert.Contains("443, 8443", problem);
        Assert.Contains(port, problem);
    }

    [Theory]
    [InlineData("https://8.8.8.8/hook")]
    [InlineData("https://8.8.8.8:8443/hook")]
    [InlineData("https://[2001:4860:4860::8888]:443/hook")]
    public async Task HttpsOnAnAllowedPort_ToAPublicAddress_IsAccepted(string url)
    {
        Assert.Null(await PolicyOutsideDevelopment().CheckAsync(url));
    }

    [Fact]
    public async Task TheRules_ApplyEvenWhenPrivateTargetsAreAllowed()
    {
        var policy = PolicyOutsideDevelopment(new DispatcherOptions { AllowPrivateTargets = true });

        Assert.Contains("Dispatcher:RequireHttps", await policy.CheckAsync("http://127.0.0.1/hook"));
        Assert.Null(await policy.CheckAsync("https://127.0.0.1/hook"));
    }

    [Theory]
    [InlineData("https://[::ffff:10.0.0.1]/hook", "10.0.0.0/8")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/hook", "169.254.169.254/32")]
    [InlineData("https://168.63.129.16/hook", "168.63.129.16/32")]
    [InlineData("https://[fd00:ec2::254]/hook", "fd00:ec2::254/128")]
    public async Task ALiteralAddress_IsRefused_NamingItsRange(string url, string range)
    {
        var problem = await PolicyOutsideDevelopment().CheckAsync(url);

        Assert.NotNull(problem);
        Assert.Contains(range, problem);
    }

    [Theory]
    [InlineData("https://2130706433/hook")]   // 127.0.0.1 as one decimal number
    [InlineData("https://0x7f000001/hook")]   // as hex
    [InlineData("https://0177.0.0.1/hook")]   // octal
    [InlineData("https://127.1/hook")]        // short form
    [InlineData("https://0xa9.0xfe.0xa9.0xfe/hook")] // 169.254.169.254 in hex parts
    public async Task OtherSpellingsOfAnInternalAddress_AreRefused(string url)
    {
        var problem = await PolicyOutsideDevelopment().CheckAsync(url);

        Assert.NotNull(problem);
        Assert.Contains("webhooks may not reach", problem);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void AnAllowedPortOutOfRange_FailsValidation(int port)
    {
        var results = new DispatcherOptions { AllowedPorts = [443, port] }.Validate(new(new object())).ToList();

        Assert.Contains(results, r => r.ErrorMessage!.Contains("Dispatcher:AllowedPorts"));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("socks5://proxy:1080")]
    public void AnEgressProxyThatIsNotAnHttpUrl_FailsValidation(string proxy)
    {
        var results = new DispatcherOptions { EgressProxy = proxy }.Validate(new(new object())).ToList();

        Assert.Contains(results, r => r.ErrorMessage!.Contains("Dispatcher:EgressProxy"));
    }
}
