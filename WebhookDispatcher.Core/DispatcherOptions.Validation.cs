using System.ComponentModel.DataAnnotations;

namespace WebhookDispatcher.Core;

/// <summary>The checks across the SSRF settings, run by ValidateDataAnnotations in the Api and the Worker alike.</summary>
public sealed partial class DispatcherOptions : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AllowedPorts is { } ports && ports.Any(p => p is < 1 or > 65535))
        {
            yield return new ValidationResult("Dispatcher:AllowedPorts holds port numbers from 1 to 65535.", [nameof(AllowedPorts)]);
        }
        if (EgressProxy is not null
            && (!Uri.TryCreate(EgressProxy, UriKind.Absolute, out var proxy) || (proxy.Scheme != Uri.UriSchemeHttp && proxy.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("Dispatcher:EgressProxy is an absolute http or https URL of the proxy.", [nameof(EgressProxy)]);
        }
    }
}
