namespace WebhookDispatcher.AppHost.Hosting;

public static class ParameterResourceBuilderExtensions
{
    /// <summary>A value generated on first start and kept with the data, so it stays the same across restarts.</summary>
    public static IResourceBuilder<ParameterResource> AddParameter(this DistributedApplicationBuilder builder, string name, Func<string> generate) =>
        builder.AddResource(new ParameterResource(name, generate));

    /// <summary>A generated password: letters and digits only, so it never needs quoting in a connection string.</summary>
    internal static IResourceBuilder<ParameterResource> AddPasswordParameter(this DistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, () => System.Security.Cryptography.RandomNumberGenerator.GetString(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 24));
}
