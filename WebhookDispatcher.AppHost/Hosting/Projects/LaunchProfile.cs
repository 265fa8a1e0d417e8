using System.Text.Json;

namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// The environment variables of a project's launch profile (Properties/launchSettings.json), which is where Aspire
/// takes <c>ASPNETCORE_ENVIRONMENT</c> from. Its applicationUrl is not used: endpoints come from <c>WithHttpEndpoint</c>.
/// </summary>
internal static class LaunchProfile
{
    public static IReadOnlyDictionary<string, string> ReadEnvironment(string projectDirectory)
    {
        var path = Path.Combine(projectDirectory, "Properties", "launchSettings.json");
        var environment = new Dictionary<string, string>();
        if (!File.Exists(path))
        {
            return environment;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("profiles", out var profiles))
        {
            return environment;
        }

        // The first profile that runs the project, as `dotnet run` picks it.
        foreach (var profile in profiles.EnumerateObject())
        {
            if (profile.Value.TryGetProperty("commandName", out var command) && command.GetString() == "Project")
            {
                if (profile.Value.TryGetProperty("environmentVariables", out var variables))
                {
                    foreach (var variable in variables.EnumerateObject())
                    {
                        environment[variable.Name] = variable.Value.GetString() ?? "";
                    }
                }
                break;
            }
        }
        return environment;
    }
}
