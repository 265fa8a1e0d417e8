using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// Whether PostgreSQL and Redis run in Aspire's containers or from this machine's binaries. <c>Infrastructure</c>
/// (<c>--infrastructure</c> on the command line) is <c>containers</c>, <c>local</c> or <c>auto</c> (the default):
/// containers when a container runtime answers, local binaries otherwise. The choice is logged at start.
/// </summary>
public static class InfrastructureChoice
{
    public const string ConfigurationKey = "Infrastructure";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    public static bool UseContainers(this IDistributedApplicationBuilder builder)
    {
        var setting = builder.Configuration[ConfigurationKey] ?? "auto";
        var (useContainers, reason) = setting.ToLowerInvariant() switch
        {
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
            if (Binaries.Find(runtime) is not { } path)
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
