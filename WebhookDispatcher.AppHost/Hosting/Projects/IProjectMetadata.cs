namespace WebhookDispatcher.AppHost.Hosting;

/// <summary>
/// A service project the AppHost runs, as Aspire's generated <c>Projects.*</c> types describe it. Ours also
/// carries the assembly the build produced, so the service starts as <c>dotnet &lt;dll&gt;</c> without a build of its own.
/// </summary>
public interface IProjectMetadata
{
    string ProjectPath { get; }

    string AssemblyPath { get; }
}
