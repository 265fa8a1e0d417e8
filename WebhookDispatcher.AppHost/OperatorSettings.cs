using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

internal static class OperatorSettings
{
    /// <summary>
    /// Passes the AppHost's configuration sections on to a service as its environment (<c>Alerts:Slack:WebhookUrl</c>
    /// becomes <c>Alerts__Slack__WebhookUrl</c>), so an operator sets them once, where they start the system.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSettingsFrom(this IResourceBuilder<ProjectResource> project, IConfiguration configuration,
        params string[] sections)
    {
        foreach (var section in sections)
        {
            foreach (var (key, value) in configuration.GetSection(section).AsEnumerable())
            {
                if (!string.IsNullOrEmpty(value))
                {
                    project.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
                }
            }
        }
        return project;
    }
}
