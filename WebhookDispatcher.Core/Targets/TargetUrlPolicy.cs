using System.Net;
using System.Net.Sockets;

namespace WebhookDispatcher.Core.Targets;

/// <summary>
/// Checks a merchant's target URL when it is registered or submitted: absolute http(s), no credentials in it, the
/// scheme and port the <see cref="TargetRules"/> allow, and, unless private targets are allowed, a host that resolves
/// only to public addresses. The Worker checks the port and the address again when it connects, so a DNS answer that
/// changes later can't slip through.
/// </summary>
public sealed class TargetUrlPolicy(TargetRules rules)
{
    public const int MaxLength = 2048;
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Any port, http or https: Development's rules, for tests and tools.</summary>
    public TargetUrlPolicy(bool allowPrivateTargets) : this(TargetRules.Permissive(allowPrivateTargets))
    {
    }

    public TargetRules Rules => rules;

    public bool AllowPrivateTargets => rules.AllowPrivateTargets;

    /// <summary>Returns null when the URL is acceptable, otherwise why it is not.</summary>
    public async Task<string?> CheckAsync(string? url, CancellationToken cancellationToken = default)
    {
        if (CheckShape(url, out var uri) is { } shapeProblem)
        {
            return shapeProblem;
        }
        if (rules.CheckSchemeAndPort(uri) is { } ruleProblem)
        {
            return ruleProblem;
        }
        if (rules.AllowPrivateTargets)
        {
            return null;
        }

        if (IPAddress.TryParse(uri.IdnHost, out var literal))
        {
            // A literal address is the merchant's own, so the refusal can say which range it is in.
            return AddressClassifier.RefusingRange(literal) is { } range
                ? $"The address '{uri.Host}' is in {range.Cidr} ({range.Name}), which webhooks may not reach."
                : null;
        }

        IPAddress[] addresses;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ResolveTimeout);
            addresses = await Dns.GetHostAddressesAsync(uri.IdnHost, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"The host '{uri.Host}' could not be resolved.";
        }
        if (addresses.Length == 0)
        {
            return $"The host '{uri.Host}' could not be resolved.";
        }
        // The resolved address is not named: our resolver's answers about internal names are not the merchant's to read.
        return addresses.All(AddressClassifier.IsPublic)
            ? null
            : $"The host '{uri.Host}' resolves to a private, loopback, link-local, metadata or otherwise internal address, which webhooks may not reach.";
    }

    /// <summary>The checks that need no network: absolute http(s), a host, no user info, a sane length.</summary>
    public static string? CheckShape(string? url, out Uri uri)
    {
        uri = null!;
        if (string.IsNullOrWhiteSpace(url))
        {
            return "A target URL is required.";
        }
        if (url.Length > MaxLength)
        {
            return $"A target URL is at most {MaxLength} characters.";
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            return "A target URL must be an absolute http or https URL.";
        }
        if (string.IsNullOrEmpty(parsed.Host))
        {
            return "A target URL must name a host.";
        }
        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            return "A target URL must not carry credentials.";
        }
        if (!string.IsNullOrEmpty(parsed.Fragment))
        {
            return "A target URL must not have a fragment.";
        }
        uri = parsed;
        return null;
    }
}
