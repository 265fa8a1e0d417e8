using System.Net;
using System.Net.Sockets;

namespace WebhookDispatcher.Core.Targets;

/// <summary>
/// Checks a merchant's target URL when it is registered or submitted: absolute http(s), no credentials in it,
/// and, unless private targets are allowed, a host that resolves only to public addresses. The Worker checks
/// the address again when it connects, so a DNS answer that changes later can't slip through.
/// </summary>
public sealed class TargetUrlPolicy(bool allowPrivateTargets)
{
    public const int MaxLength = 2048;
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(3);

    public bool AllowPrivateTargets => allowPrivateTargets;

    /// <summary>Returns null when the URL is acceptable, otherwise why it is not.</summary>
    public async Task<string?> CheckAsync(string? url, CancellationToken cancellationToken = default)
    {
        if (CheckShape(url, out var uri) is { } shapeProblem)
        {
            return shapeProblem;
        }
        if (allowPrivateTargets)
        {
            return null;
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(uri.IdnHost, out var literal))
        {
            addresses = [literal];
        }
        else
        {
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
        }
        if (addresses.Length == 0)
        {
            return $"The host '{uri.Host}' could not be resolved.";
        }
        return addresses.All(AddressClassifier.IsPublic)
            ? null
            : $"The host '{uri.Host}' resolves to a private, loopback or link-local address, which is not allowed.";
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
