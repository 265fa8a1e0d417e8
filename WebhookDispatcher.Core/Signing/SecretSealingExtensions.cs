using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace WebhookDispatcher.Core.Signing;

public static class SecretSealingExtensions
{
    /// <summary>
    /// The <see cref="SecretSealer"/>, for the Api (it seals on create and rotate) and the Worker (it opens secrets
    /// in the claim path). Outside Development a process without a key refuses to start: it would store secrets in
    /// plaintext, or fail to open them.
    /// </summary>
    public static void AddSecretSealing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SecretSealingOptions>().BindConfiguration(SecretSealingOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SecretSealingOptions>>(new SecretSealingOptionsValidator(keysRequired: !builder.Environment.IsDevelopment()));
        builder.Services.AddSingleton(sp => new SecretSealer(sp.GetRequiredService<IOptions<SecretSealingOptions>>()));
    }
}
