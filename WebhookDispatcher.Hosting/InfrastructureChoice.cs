using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// Whether PostgreSQL and Redis run in Aspire's containers or from this machine's binaries. <c>Infrastructure</c>
/// (<c>--infrastructure</c> on the command line) is <c>containers</c>, <c>local</c> or <c>auto</c> (the default):
/// containers when a container runtime answers, local binaries otherwise. Publishing always uses the containers
/// (a manifest describes containers, never this machine's binaries). The choice is logged at start.
/// </summary>
/// <remarks>
/// The choice decides which resources the model holds, so it is made while the model is built, not in a lifecycle
/// event: the services reference those resources then. It is kept cheap: in publish mode nothing is asked, and a
/// docker client with no engine socket to talk to is not run at all.
/// </remarks>
public static class InfrastructureChoice
{
    public const string ConfigurationKey = "Infrastructure";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    public static bool UseContainers(this IDistributedApplicationBuilder builder)
    {
        var setting = builder.Configuration[ConfigurationKey] ?? "auto";
        var (useContainers, reason) = setting.ToLowerInvariant() switch
        {
            _ when builder.ExecutionContext.IsPublishMode => (true, "publishing"),
            "containers" => (true, $"{ConfigurationKey}=containers"),
            "local" => (false, $"{ConfigurationKey}=local"),
            "auto" => ProbeContainerRuntime(builder.Configuration),
            _ => throw new DistributedApplicationException($"{ConfigurationKey} is '{setting}'; it must be auto, containers or local."),
        };

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(InfrastructureChoice).FullName!);
            logger.LogInformation("PostgreSQL and Redis run {Where} ({Reason}); choose with --infrastructure containers|local.",
                useContainers ? "in containers" : "from this machine's binaries", reason);
            return Task.CompletedTask;
        });
        return useContainers;
    }

    /// <summary>Asks the runtime Aspire would use (ASPIRE_CONTAINER_RUNTIME, else docker, else podman) whether its engine answers.</summary>
    private static (bool, string) ProbeContainerRuntime(IConfiguration configuration)
    {
        string[] candidates = configuration["ASPIRE_CONTAINER_RUNTIME"] is { Length: > 0 } chosen ? [chosen] : ["docker", "podman"];
        foreach (var runtime in candidates)
        {
            if (Binaries.Find(runtime) is not { } path || !MayHaveEngine(runtime, configuration))
            {
                continue;
            }
            if (Answers(path))
            {
                return (true, $"{runtime} answers");
            }
        }
        return (false, $"no container runtime answers ({string.Join(", ", candidates)} tried)");
    }

    /// <summary>
    /// Docker's client only ever talks to an engine through DOCKER_HOST, a context or a socket; without any of them
    /// `docker info` could only fail. Podman needs no daemon, so it is always asked.
    /// </summary>
    private static bool MayHaveEngine(string runtime, IConfiguration configuration)
    {
        if (runtime != "docker")
        {
            return true;
        }
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return configuration["DOCKER_HOST"] is { Length: > 0 } || configuration["DOCKER_CONTEXT"] is { Length: > 0 }
            || File.Exists("/var/run/docker.sock") || File.Exists(Path.Combine(home, ".docker", "run", "docker.sock"))
            || Directory.Exists(Path.Combine(home, ".docker", "contexts"));
    }

    private static bool Answers(string runtimePath)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtimePath, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            })!;
            // Read both streams so a chatty client can't block on a full pipe; bounded, so a hung engine can't hang the start.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
