namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// A .NET project of the solution. It starts with the environment an Aspire AppHost gives a project: the launch
/// profile's variables, <c>ASPNETCORE_URLS</c>, the OTLP settings when the dashboard runs, then every
/// <c>WithReference</c> and <c>WithEnvironment</c>.
/// </summary>
public sealed class ProjectResource(string name, IProjectMetadata metadata) : ExecutableResource(name)
{
    public override string Type => "Project";

    public IProjectMetadata Metadata { get; } = metadata;

    public string ProjectDirectory => Path.GetDirectoryName(Metadata.ProjectPath)!;

    internal override void CheckPrerequisites(DataDirectory data)
    {
        if (!File.Exists(Metadata.AssemblyPath))
        {
            throw new DistributedApplicationException(
                $"{Name}: {Metadata.AssemblyPath} is not built. Build the AppHost, which builds every service: dotnet build WebhookDispatcher.AppHost");
        }
    }

    internal override Task<ProcessSpec> PrepareStartAsync(ResourceStartContext context, CancellationToken cancellationToken)
    {
        var environment = BuildEnvironment(context.Replica, own =>
        {
            foreach (var (key, value) in LaunchProfile.ReadEnvironment(ProjectDirectory))
            {
                own[key] = value;
            }
            var urls = Endpoints.Where(e => e.Scheme is "http" or "https").Select(e => e.GetUrl(context.Replica).ToString().TrimEnd('/'));
            own["ASPNETCORE_URLS"] = string.Join(';', urls);
            if (context.Otlp is { } otlp)
            {
                otlp.ApplyTo(own, Name);
            }
        });

        // The content root is the project directory, as under `dotnet run`: appsettings.json is read from there.
        return Task.FromResult(new ProcessSpec(DotnetHost.Path, [Metadata.AssemblyPath], environment, ProjectDirectory));
    }
}
