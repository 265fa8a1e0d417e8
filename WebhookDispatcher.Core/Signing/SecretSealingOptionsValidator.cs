using Microsoft.Extensions.Options;

namespace WebhookDispatcher.Core.Signing;

/// <summary>Refuses bad keys everywhere, and no keys outside Development, naming the setting that is wrong.</summary>
public sealed class SecretSealingOptionsValidator(bool keysRequired) : IValidateOptions<SecretSealingOptions>
{
    public ValidateOptionsResult Validate(string? name, SecretSealingOptions options)
    {
        if (SecretSealer.Problem(options) is { } problem)
        {
            return ValidateOptionsResult.Fail(problem);
        }
        return keysRequired && options.Keys.Count == 0
            ? ValidateOptionsResult.Fail("Outside Development the signing secrets are sealed at rest: set Secrets:Keys:<id> (base64 of 32 bytes) and Secrets:ActiveKey.")
            : ValidateOptionsResult.Success;
    }
}
